import os

import pytest

from hypothesis import HealthCheck, settings

# CI draws the same examples on every run (a commit passes or fails for good); the
# developers' profile draws new ones each time, and keeps exploring
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def run_cli(capsys):
    """Run the command line in-process: (exit code, stdout, stderr)."""
    from alliancestats.cli import main

    def run(argv):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own errors
            code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
