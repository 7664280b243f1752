"""One module per console area; `sagelab.console.app` discovers them."""
