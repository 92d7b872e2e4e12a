#!/usr/bin/env bash
# Writes ioguard.json: the default seccomp profile of CRI-O and podman (containers-common,
# /usr/share/containers/seccomp.json) with exactly the two changes containerd's and Docker's default
# profiles have: bpf(2) is allowed with CAP_BPF and perf_event_open(2) with CAP_PERFMON, not only with
# CAP_SYS_ADMIN. Needs jq. Fails if the input does not have the shape this change assumes.
#
#   deploy/seccomp/generate.sh [DEFAULT_PROFILE] > deploy/seccomp/ioguard.json
set -euo pipefail
in="${1:-/usr/share/containers/seccomp.json}"
jq --indent 2 '
  def moved: ["bpf", "perf_event_open"];
  def rule($names; $action; $includes; $excludes):
    {names: $names, action: $action, args: [],
     comment: (if $action == "SCMP_ACT_ALLOW"
       then "ioguard: allowed with \($includes.caps[0]), as in the default profiles of containerd and Docker"
       else "ioguard: EPERM without \($excludes.caps | join(" or "))" end),
     includes: $includes, excludes: $excludes}
    + (if $action == "SCMP_ACT_ERRNO" then {errnoRet: 1, errno: "EPERM"} else {} end);
  # The rule that answers EPERM to these calls without CAP_SYS_ADMIN: there must be exactly one.
  def is_refusal: .action == "SCMP_ACT_ERRNO" and (.excludes.caps // []) == ["CAP_SYS_ADMIN"]
    and (.names | contains(moved));
  if ([.syscalls[] | select(is_refusal)] | length) != 1 then
    error("expected one SCMP_ACT_ERRNO rule for bpf and perf_event_open excluding CAP_SYS_ADMIN")
  elif ([.syscalls[] | select((.names | index("bpf")) and (.includes.caps // []) != ["CAP_SYS_ADMIN"])] | length) != 1 then
    error("bpf is already allowed with another capability: nothing to do")
  else . end
  | .syscalls |= (map(if is_refusal then .names -= moved else . end) + [
      rule(["bpf"]; "SCMP_ACT_ALLOW"; {caps: ["CAP_BPF"]}; {}),
      rule(["perf_event_open"]; "SCMP_ACT_ALLOW"; {caps: ["CAP_PERFMON"]}; {}),
      rule(["bpf"]; "SCMP_ACT_ERRNO"; {}; {caps: ["CAP_SYS_ADMIN", "CAP_BPF"]}),
      rule(["perf_event_open"]; "SCMP_ACT_ERRNO"; {}; {caps: ["CAP_SYS_ADMIN", "CAP_PERFMON"]})
    ])
' "$in"
