"""Operator commands for the deployment on AWS: deploy, ssh, backups, photos, importer tasks."""
