"""Test helpers shared by the service and fault tests: loopback servers and a fake endpoint."""
