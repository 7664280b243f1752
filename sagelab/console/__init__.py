"""The web console: server-rendered pages under `/_sagelab/console/` whose every action is
an AWS API call made as the signed-in principal through the gateway's own steps."""
