# Delivery: GitHub (CodeStar connection) → Build (images) → Migrate (pirep db upgrade as a
# one-off task) → Deploy (CodeDeploy blue/green for web, the ECS action for the worker).
# `pirep deploy` starts it; the source does not start it by itself.

# Created PENDING: confirm it once in the console (Developer Tools > Connections).
resource "aws_codestarconnections_connection" "github" {
  name          = var.name
  provider_type = "GitHub"
}

locals {
  build_environment = {
    AWS_ACCOUNT_ID          = var.account_id
    API_REPOSITORY_URL      = var.api_repository_url
    IMPORTER_REPOSITORY_URL = var.importer_repository_url
    CLUSTER                 = var.cluster_name
    WEB_FAMILY              = var.web_family
    IMPORTER_FAMILY         = var.importer_family
    JOBS_SERVICE            = var.jobs_service_name
    APP_PORT                = tostring(var.app_port)
  }
}

resource "aws_codebuild_project" "build" {
  name          = "${var.name}-build"
  description   = "Builds and pushes the API and importer images"
  service_role  = var.codebuild_role_arn
  build_timeout = 60

  artifacts {
    type = "CODEPIPELINE"
  }

  source {
    type      = "CODEPIPELINE"
    buildspec = file("${path.module}/buildspec-build.yml")
  }

  environment {
    type            = "LINUX_CONTAINER"
    compute_type    = "BUILD_GENERAL1_MEDIUM"
    image           = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
    privileged_mode = true # Docker builds.

    dynamic "environment_variable" {
      for_each = local.build_environment

      content {
        name  = environment_variable.key
        value = environment_variable.value
      }
    }

    environment_variable {
      name  = "DOCKER_HUB_CREDENTIALS"
      type  = "PARAMETER_STORE"
      value = var.docker_hub_parameter_name
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name  = var.log_group_name
      stream_name = "build"
    }
  }
}

resource "aws_codebuild_project" "migrate" {
  name          = "${var.name}-migrate"
  description   = "Runs the database migrations as a one-off ECS task"
  service_role  = var.codebuild_role_arn
  build_timeout = 60

  artifacts {
    type = "CODEPIPELINE"
  }

  source {
    type      = "CODEPIPELINE"
    buildspec = file("${path.module}/buildspec-migrate.yml")
  }

  environment {
    type         = "LINUX_CONTAINER"
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/amazonlinux-x86_64-standard:5.0"

    dynamic "environment_variable" {
      for_each = local.build_environment

      content {
        name  = environment_variable.key
        value = environment_variable.value
      }
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name  = var.log_group_name
      stream_name = "migrate"
    }
  }
}

resource "aws_codedeploy_app" "this" {
  name             = var.name
  compute_platform = "ECS"
}

resource "aws_codedeploy_deployment_group" "web" {
  app_name               = aws_codedeploy_app.this.name
  deployment_group_name  = "${var.name}-web"
  service_role_arn       = var.codedeploy_role_arn
  deployment_config_name = "CodeDeployDefault.ECSAllAtOnce"

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }

    # The old tasks stay 5 minutes, for a rollback without starting tasks.
    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = 5
    }
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"]
  }

  ecs_service {
    cluster_name = var.cluster_name
    service_name = var.web_service_name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [var.https_listener_arn]
      }

      dynamic "target_group" {
        for_each = var.target_group_names

        content {
          name = target_group.value
        }
      }
    }
  }
}

resource "aws_codepipeline" "this" {
  name          = var.name
  role_arn      = var.codepipeline_role_arn
  pipeline_type = "V2"

  artifact_store {
    type     = "S3"
    location = var.deployment_bucket
  }

  stage {
    name = "Source"

    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeStarSourceConnection"
      version          = "1"
      output_artifacts = ["source"]

      configuration = {
        ConnectionArn    = aws_codestarconnections_connection.github.arn
        FullRepositoryId = var.github_repository
        BranchName       = var.github_branch
        DetectChanges    = "false"
      }
    }
  }

  stage {
    name = "Build"

    action {
      name             = "Build"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["source"]
      output_artifacts = ["build"]

      configuration = {
        ProjectName = aws_codebuild_project.build.name
      }
    }
  }

  stage {
    name = "Migrate"

    action {
      name            = "Migrate"
      category        = "Build"
      owner           = "AWS"
      provider        = "CodeBuild"
      version         = "1"
      input_artifacts = ["build"]

      configuration = {
        ProjectName = aws_codebuild_project.migrate.name
      }
    }
  }

  stage {
    name = "Deploy"

    action {
      name            = "Web"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "CodeDeployToECS"
      version         = "1"
      input_artifacts = ["build"]

      configuration = {
        ApplicationName                = aws_codedeploy_app.this.name
        DeploymentGroupName            = aws_codedeploy_deployment_group.web.deployment_group_name
        TaskDefinitionTemplateArtifact = "build"
        TaskDefinitionTemplatePath     = "taskdef.json"
        AppSpecTemplateArtifact        = "build"
        AppSpecTemplatePath            = "appspec.yaml"
        Image1ArtifactName             = "build"
        Image1ContainerName            = "IMAGE1_NAME"
      }
    }

    action {
      name            = "Jobs"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "ECS"
      version         = "1"
      input_artifacts = ["build"]

      configuration = {
        ClusterName = var.cluster_name
        ServiceName = var.jobs_service_name
        FileName    = "imagedefinitions.json"
      }
    }
  }
}
