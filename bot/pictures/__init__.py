"""Exercise pictures: line figures drawn from content/poses.yaml, and sending them once."""
