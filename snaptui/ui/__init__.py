"""The Textual UI. Talks to AWS only through ``snaptui.aws.AwsClient``; never imports botocore."""
