output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.this.id
}

output "cidr_block" {
  description = "Address range of the VPC (the load balancer's addresses are in it)."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Subnets of the load balancer and the tasks."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Subnets of the database."
  value       = aws_subnet.private[*].id
}
