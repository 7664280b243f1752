"""Notebook instances and their lifecycle configurations: records, status machine, presigned
sessions and metering. The processes themselves (JupyterLab, the kernel environment, the
proxy) are `sagelab.notebooks`'."""
