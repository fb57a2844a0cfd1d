"""Reference implementations of the ports: `memory` (also the test fakes) and `sqlite`."""
