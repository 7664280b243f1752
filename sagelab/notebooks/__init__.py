"""The notebook instance's processes: the kernel environment, the JupyterLab launcher, the
proxy that opens it on sagelab's port, and the credentials endpoint its kernels read."""
