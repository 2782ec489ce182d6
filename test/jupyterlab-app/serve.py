"""
Serves the test's JupyterLab bundle (build.js's output) with Debian's jupyter_server and
jupyterlab_server: the page at /lab (and /lab/tree/<path>), the settings, themes, workspaces
and translations APIs the page calls, next to jupyter_server's contents, kernels and sessions.

    LAZYLAB_LAB_BUNDLE=<build.js output> LAZYLAB_LAB_STATE=<writable dir> \
        python3 serve.py --ServerApp.port=... --ServerApp.token=... [jupyter_server options]

Only the bundle's own extensions run: installed lab extensions and on-disk Jupyter config are
ignored, so the page the test drives is the same on every machine.
"""
import os

# Before jupyter_server reads any configuration: none from the user's or the system's dirs.
os.environ["JUPYTER_NO_CONFIG"] = "1"

from jupyterlab_server import LabServerApp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLE = os.environ["LAZYLAB_LAB_BUNDLE"]
STATE = os.environ["LAZYLAB_LAB_STATE"]


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": LazylabLab}]


class LazylabLab(LabServerApp):
    name = "lazylab_lab"
    load_other_extensions = False
    extension_url = "/lab"
    app_url = "/lab"
    app_name = "JupyterLab (lazylab test)"
    app_version = "4"
    static_dir = os.path.join(BUNDLE, "static")
    schemas_dir = os.path.join(BUNDLE, "schemas")
    themes_dir = os.path.join(BUNDLE, "themes")
    templates_dir = os.path.join(HERE, "templates")
    app_settings_dir = os.path.join(STATE, "app_settings")
    user_settings_dir = os.path.join(STATE, "user_settings")
    workspaces_dir = os.path.join(STATE, "workspaces")
    labextensions_path = []
    extra_labextensions_path = []


if __name__ == "__main__":
    LazylabLab.launch_instance()
