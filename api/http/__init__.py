"""The door: what every request passes (input guard, errors, redaction, dependencies) and the schemas the API speaks."""
