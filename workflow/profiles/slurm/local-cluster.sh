#!/usr/bin/env bash
# Run the workflow through the SLURM profile on a throwaway single-node SLURM cluster on
# this machine (README.md next to this script).
#
#   workflow/profiles/slurm/local-cluster.sh [extra snakemake arguments]
#
# It writes a slurm.conf for one node, "localhost", with this machine's CPUs and memory,
# into a temporary directory; starts munged, slurmctld and slurmd on it (as root: jobs run
# as the submitting user); waits for the node to be idle; runs
#
#   snakemake --profile workflow/profiles/slurm --slurm-no-account \
#       --slurm-status-command squeue [extra arguments]
#
# (the example batch of config/config.yaml, unless the extra arguments say otherwise, e.g.
# --directory DIR --configfile DIR/config.yaml), prints the wall time and the number of
# jobs, and stops the three daemons it started, by their PIDs, however it ends. It installs
# nothing: without the daemons it says how to install them and stops.
#
# The cluster has no accounting (AccountingStorageType=accounting_storage/none), like many
# small sites: `sacct` cannot report job states, so the run needs --slurm-no-account and
# --slurm-status-command squeue. squeue reports a finished job for MinJobAge seconds; the
# plugin uses it only while MinJobAge >= 3 x the status check interval (else it falls back
# to sacct, and the run waits forever).
#
# Environment:
#   MAPK_SLURM_DIR      directory for the cluster's config, state and logs (default: a new
#                       temporary directory, removed after a successful run)
#   MAPK_SLURM_KEEP=1   keep that directory after a successful run too
#   MAPK_SLURM_STATUS_SECONDS  seconds between job status checks (default 10; the plugin's
#                       own default, 40, is made for busy clusters)
#   MAPK_SLURMCTLD_PORT, MAPK_SLURMD_PORT  ports of the two daemons (default 16817, 16818:
#                       not SLURM's 6817/6818, so a real SLURM on this machine is left alone)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
STATUS_SECONDS="${MAPK_SLURM_STATUS_SECONDS:-10}"
CTLD_PORT="${MAPK_SLURMCTLD_PORT:-16817}"
SLURMD_PORT="${MAPK_SLURMD_PORT:-16818}"
KEEP="${MAPK_SLURM_KEEP:-0}"

say() { printf 'local-cluster: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    say "run this as root: slurmd starts each job as the user who submitted it"
    exit 2
fi
missing=()
for daemon in munged slurmctld slurmd sbatch srun squeue sinfo scancel; do
    command -v "$daemon" >/dev/null 2>&1 || missing+=("$daemon")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "not found: ${missing[*]}"
    say "install SLURM and MUNGE first (Debian/Ubuntu): apt-get install slurm-wlm munge"
    exit 2
fi
if ! command -v snakemake >/dev/null 2>&1; then
    say "snakemake not found: activate the project's environment (pip install '.[test]')"
    exit 2
fi

if [ -n "${MAPK_SLURM_DIR:-}" ]; then
    STATE="$MAPK_SLURM_DIR"
    mkdir -p "$STATE"
    STATE="$(cd "$STATE" && pwd)"
    KEEP=1
else
    STATE="$(mktemp -d "${TMPDIR:-/tmp}/mapk-slurm.XXXXXX")"
fi
# munged refuses a socket or key in a directory others can write to
chmod 0755 "$STATE"
mkdir -p "$STATE/munge" "$STATE/ctld" "$STATE/slurmd" "$STATE/log"
chmod 0755 "$STATE/munge"

MUNGED_PID=""
SLURMCTLD_PID=""
SLURMD_PID=""
SNAKEMAKE_PID=""
TAIL_PID=""

# shellcheck disable=SC2317  # (shellcheck 0.9 takes functions run by a trap for dead code)
# Stop a process this script started: SIGTERM, up to $3 tenths of a second (default 300),
# then SIGKILL; reap it.
stop_process() {
    local name="$1" pid="$2" limit="${3:-300}" waited=0
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$limit" ]; do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "$name (PID $pid) did not stop on SIGTERM: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
    say "stopped $name (PID $pid)"
}

# shellcheck disable=SC2317
cleanup() {
    local status=$? waited=0
    set +e
    trap - EXIT INT TERM
    # an interrupted run: Snakemake first (SIGTERM makes it wait for its running jobs;
    # they are cancelled below instead)
    stop_process snakemake "$SNAKEMAKE_PID" 100
    stop_process tail "$TAIL_PID" 20
    if [ -n "$SLURMCTLD_PID" ] && kill -0 "$SLURMCTLD_PID" 2>/dev/null; then
        # Jobs left by a failed or interrupted run: cancel them and let slurmd end them
        # before it stops, so that no job step outlives the cluster.
        if [ -n "$(squeue -h -o %A 2>/dev/null)" ]; then
            say "cancelling the jobs still queued or running"
            squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null
            while [ -n "$(squeue -h -o %A 2>/dev/null)" ] && [ "$waited" -lt 60 ]; do
                sleep 0.5
                waited=$((waited + 1))
            done
        fi
    fi
    stop_process slurmd "$SLURMD_PID"
    stop_process slurmctld "$SLURMCTLD_PID"
    stop_process munged "$MUNGED_PID"
    if [ "$status" -eq 0 ] && [ "$KEEP" != 1 ]; then
        rm -rf "$STATE"
    else
        say "cluster config, state and daemon logs kept in $STATE"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- config: one node, this machine ---------------------------------------------------
# slurmd's own view of the hardware (`slurmd -C`): a node configured with more CPUs, cores
# or memory than slurmd finds is drained. Without it, nproc and MemTotal.
MEM_MB="$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)"
NODE_HARDWARE="CPUs=$(nproc --all) RealMemory=$MEM_MB"
if hardware="$(slurmd -C 2>/dev/null | head -n 1)"; then
    fields=()
    for field in $hardware; do
        case "$field" in
            CPUs=* | Boards=* | SocketsPer* | CoresPer* | ThreadsPer* | RealMemory=*)
                fields+=("$field")
                ;;
        esac
    done
    case " ${fields[*]} " in
        *" CPUs="*" RealMemory="*) NODE_HARDWARE="${fields[*]}" ;;
    esac
fi

CONF="$STATE/slurm.conf"
cat >"$CONF" <<EOF
# A single-node SLURM cluster on localhost for mapk-filter's workflow
# (workflow/profiles/slurm/local-cluster.sh). No accounting, no cgroups.
ClusterName=mapklocal
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$STATE/munge/munge.socket
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/log/jobcomp.txt
ReturnToService=2
# squeue reports a finished job for MinJobAge seconds: the status checks must come sooner
MinJobAge=300
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 $NODE_HARDWARE State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
# Only this cluster: no SLURM_* setting of a surrounding job or site reaches the run.
for name in $(compgen -e); do
    case "$name" in SLURM_* | SBATCH_* | SRUN_*) unset "$name" ;; esac
done
export SLURM_CONF="$CONF"

# Inside each job the plugin runs the rule through `srun`, with every SLURM_* variable but
# the job's identity removed from its environment, SLURM_CONF too: on a real cluster srun
# finds /etc/slurm/slurm.conf. Here an `srun` first on PATH gives it this cluster's config.
mkdir -p "$STATE/bin"
cat >"$STATE/bin/srun" <<EOF
#!/bin/sh
SLURM_CONF='$CONF' exec '$(command -v srun)' "\$@"
EOF
chmod 0755 "$STATE/bin/srun"
export PATH="$STATE/bin:$PATH"

# --- daemons ------------------------------------------------------------------------
dd if=/dev/urandom of="$STATE/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$STATE/munge/munge.key"
munged --foreground --force \
    --key-file="$STATE/munge/munge.key" \
    --socket="$STATE/munge/munge.socket" \
    --pid-file="$STATE/munge/munged.pid" \
    --seed-file="$STATE/munge/munged.seed" >"$STATE/log/munged.log" 2>&1 &
MUNGED_PID=$!
say "started munged (PID $MUNGED_PID)"
for _ in $(seq 100); do
    [ -S "$STATE/munge/munge.socket" ] && break
    kill -0 "$MUNGED_PID" 2>/dev/null || break
    sleep 0.1
done
if [ ! -S "$STATE/munge/munge.socket" ]; then
    say "munged did not start:"
    tail -n 20 "$STATE/log/munged.log" >&2 || true
    exit 1
fi

slurmctld -D -f "$CONF" >>"$STATE/log/slurmctld.out" 2>&1 &
SLURMCTLD_PID=$!
say "started slurmctld (PID $SLURMCTLD_PID)"
slurmd -D -N localhost -f "$CONF" >>"$STATE/log/slurmd.out" 2>&1 &
SLURMD_PID=$!
say "started slurmd (PID $SLURMD_PID)"

state=""
for _ in $(seq 120); do
    for pid in "$MUNGED_PID" "$SLURMCTLD_PID" "$SLURMD_PID"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "a daemon (PID $pid) exited; its log:"
            tail -n 20 "$STATE"/log/*.log "$STATE"/log/*.out >&2 2>/dev/null || true
            exit 1
        fi
    done
    state="$(sinfo -h -n localhost -o %T 2>/dev/null || true)"
    [ "$state" = idle ] && break
    sleep 0.5
done
if [ "$state" != idle ]; then
    say "node localhost is not idle after 60 s (state: ${state:-none}); slurmctld log:"
    tail -n 20 "$STATE/log/slurmctld.log" >&2 || true
    exit 1
fi
say "node localhost idle: $NODE_HARDWARE (slurm.conf: $CONF)"

# --- the run ------------------------------------------------------------------------
cd "$REPO"
LOG="$STATE/log/snakemake.log"
command=(
    snakemake
    --snakefile "$REPO/workflow/Snakefile"
    --profile "$REPO/workflow/profiles/slurm"
    --slurm-no-account
    --slurm-status-command squeue
    --slurm-init-seconds-before-status-checks "$STATUS_SECONDS"
    "$@"
)
say "running: ${command[*]}"
start="$(date +%s.%N)"
run_status=0
: >"$LOG"
# In the background, so that a signal to this script runs its trap at once (bash defers a
# trap until the foreground command ends); its output is shown as it is written.
"${command[@]}" >"$LOG" 2>&1 </dev/null &
SNAKEMAKE_PID=$!
tail -n +1 -f --pid="$SNAKEMAKE_PID" "$LOG" &
TAIL_PID=$!
wait "$SNAKEMAKE_PID" || run_status=$?
SNAKEMAKE_PID=""
wait "$TAIL_PID" || true
TAIL_PID=""
end="$(date +%s.%N)"

steps="$(grep -Eo '[0-9]+ of [0-9]+ steps' "$LOG" | tail -n 1 || true)"
submitted="$(grep -c 'has been submitted with SLURM jobid' "$LOG" || true)"
completed=0
if [ -f "$STATE/log/jobcomp.txt" ]; then
    completed="$(grep -c 'JobState=COMPLETED' "$STATE/log/jobcomp.txt" || true)"
fi
awk -v start="$start" -v end="$end" \
    'BEGIN { printf "local-cluster: wall time %.1f s\n", end - start }' >&2
printf 'local-cluster: Snakemake jobs done: %s; SLURM jobs submitted: %s, completed: %s\n' \
    "${steps:-none}" "$submitted" "$completed" >&2
if [ "$run_status" -ne 0 ]; then
    say "snakemake failed (exit $run_status); its log: $LOG"
fi
exit "$run_status"
