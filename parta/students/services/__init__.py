"""Write use cases of the students app: each one transaction, each one audited."""
