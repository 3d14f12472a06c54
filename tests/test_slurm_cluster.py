"""The SLURM profile on a real (single-node, local) SLURM cluster, not a dry run.

``workflow/profiles/slurm/local-cluster.sh`` starts munged, slurmctld and slurmd on this
machine, runs the example batch through ``--profile workflow/profiles/slurm`` with the flags
a site without accounting needs, and stops the daemons. The batch's outputs must be those of
a local run (``--cores 2``), byte for byte apart from the run time, and no daemon may be left.

Needs root (slurmd starts each job as its submitting user) and Debian's slurm-wlm and munge.
Without them the test is skipped, except under CI (``CI=true``) as root, where it fails:
``.ci/run`` installs them.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from helpers import REPO, run_workflow

pytestmark = pytest.mark.workflow  # snakemake in a subprocess

BATCH = REPO / "resources" / "example_batch"
SCRIPT = REPO / "workflow" / "profiles" / "slurm" / "local-cluster.sh"
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "srun", "squeue", "sinfo", "scancel")
RUN_TIME = re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?")
PATIENT_FILES = ("report.json", "variants.tsv", "report.html")
BATCH_FILES = ("summary.tsv", "summary.html")
# the example batch on SLURM: under a minute in shards (ten minutes at one job per file)
TIMEOUT = 3600


def _cluster_available() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: slurmd starts each job as the user who submitted it")
    missing = [name for name in DAEMONS + CLIENTS if shutil.which(name) is None]
    if missing:
        message = f"not found: {', '.join(missing)} (apt-get install slurm-wlm munge)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; .ci/run installs them when run as root")
        pytest.skip(message)


def _workdir(path: Path) -> Path:
    """A run directory whose config names the example batch's sheets (absolute paths, the
    same for both runs, so that the reports name the same inputs)."""
    path.mkdir()
    (path / "config.yaml").write_text(
        f"patients: {BATCH / 'patients.tsv'}\nsamples: {BATCH / 'samples.tsv'}\n"
    )
    return path


def _outputs(workdir: Path) -> dict[str, bytes]:
    """Every output file under results/, its run time and working directory blanked."""
    return {
        str(p.relative_to(workdir)): RUN_TIME.sub(b"<run time>", p.read_bytes()).replace(
            bytes(workdir), b"<working directory>"
        )
        for p in sorted((workdir / "results").rglob("*"))
        if p.is_file()
    }


def _patients() -> list[str]:
    with open(BATCH / "patients.tsv", newline="") as handle:
        return [row["patient_id"] for row in csv.DictReader(handle, delimiter="\t")]


def _free_ports(count: int) -> list[int]:
    """Ports nothing listens on now (the default 16817/16818 may be another run's)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for each in sockets:
            each.bind(("", 0))
        return [each.getsockname()[1] for each in sockets]
    finally:
        for each in sockets:
            each.close()


def _processes_naming(text: str) -> list[str]:
    """Command lines of running processes that contain ``text``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        if text in args:
            found.append(args.strip())
    return found


def test_example_batch_on_a_local_slurm_cluster_equals_the_local_run(tmp_path):
    _cluster_available()
    import snakemake_executor_plugin_slurm  # noqa: F401  (the test extra installs it)

    local = _workdir(tmp_path / "local")
    run = run_workflow(local, "--config", "pdf=False", cores=2)
    assert run.returncode == 0, run.stderr[-4000:]
    steps = re.findall(r"(\d+) of (\d+) steps", run.stdout + run.stderr)
    assert steps and steps[-1][0] == steps[-1][1], steps

    cluster_dir = tmp_path / "cluster"  # slurm.conf, daemon state and logs: kept (a test)
    slurm = _workdir(tmp_path / "slurm")
    ctld_port, slurmd_port = _free_ports(2)
    env = {
        **os.environ,
        "MAPK_SLURM_DIR": str(cluster_dir),
        "MAPK_SLURMCTLD_PORT": str(ctld_port),
        "MAPK_SLURMD_PORT": str(slurmd_port),
    }
    arguments = ["--directory", str(slurm), "--configfile", str(slurm / "config.yaml")]
    process = subprocess.Popen(
        [str(SCRIPT), *arguments, "--config", "pdf=False"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.terminate()  # the script's trap cancels the jobs and stops its daemons
        output, _ = process.communicate(timeout=300)
        pytest.fail(f"the SLURM run took over {TIMEOUT} s:\n{output[-4000:]}")
    print(output[-3000:])  # wall time and job counts, shown with pytest -s or on failure

    # the daemons it started, by PID, are gone, and nothing runs on the cluster's files
    pids = {
        name: int(pid)
        for name, pid in re.findall(r"started (\w+) \(PID (\d+)\)", output)
        if name in DAEMONS
    }
    assert set(pids) == set(DAEMONS), output[-4000:]
    assert [name for name, pid in pids.items() if Path(f"/proc/{pid}").exists()] == []
    assert _processes_naming(str(cluster_dir)) == []

    assert process.returncode == 0, output[-4000:]
    # the jobs ran on SLURM: Snakemake ran the local run's steps, every rule job (all but
    # the local rule `all`) was an sbatch job, and slurmctld recorded each one as completed
    assert f"Snakemake jobs done: {steps[-1][0]} of {steps[-1][1]} steps" in output
    jobs = int(steps[-1][0]) - 1
    assert f"SLURM jobs submitted: {jobs}, completed: {jobs}" in output
    completed = (cluster_dir / "log" / "jobcomp.txt").read_text().count("JobState=COMPLETED")
    assert completed == jobs
    assert re.search(r"wall time \d+\.\d s", output)

    expected, got = _outputs(local), _outputs(slurm)
    wanted = {f"results/patients/{p}/{name}" for p in _patients() for name in PATIENT_FILES}
    wanted |= {f"results/batch/{name}" for name in BATCH_FILES}
    assert wanted <= set(expected)
    assert sorted(got) == sorted(expected)
    assert [name for name in wanted if not got[name].strip()] == []
    assert [name for name in sorted(expected) if got[name] != expected[name]] == []
