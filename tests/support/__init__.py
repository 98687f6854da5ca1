"""What tests of every domain build on: the persona table of both nodes (`personas`), the
two-node harness in one process (`two_nodes`) and factories for building objects (`factories`).
The end-to-end harness with real node processes is tests/e2e/nodes.py."""
