// The text of `runbook --help` and `runbook COMMAND --help`.
import {version} from './version.js';

/** Help by command; `main` is the overview. */
export const help: Record<string, string> = {
	main: `runbook ${version}: walk a production change through a YAML runbook, and record it.

Usage:
  runbook run FILE [--var k=v]... [--var-file FILE] [--dry-run] [--from STEP] [--yes] [--concurrent] [--log-dir DIR]
  runbook resume [SESSION] [--var k=v]... [--var-file FILE] [--strict] [--yes] [--allowed-signers F] [--log-dir DIR]
  runbook watch [SESSION] [--allowed-signers F] [--log-dir DIR]
  runbook approve [SESSION] [--allowed-signers F] [--log-dir DIR]
  runbook verify [SESSION] [--allowed-signers F] [--principal P] [--json]
  runbook keys [--use FINGERPRINT]
  runbook sessions [--json] [--log-dir DIR]
  runbook export [SESSION] --format md|html|json|cast [-o FILE] [--force] [--log-dir DIR]
  runbook replay [SESSION] [--speed N] [--idle-limit S] [--start-at STEP] [--force]
  runbook validate FILE...
  runbook import CHECKLIST.md [-o FILE]
  runbook schema
  runbook archive init|doctor|push [SESSION | --all] [--archive URL]
  runbook config set archive postgres://…
  runbook COMMAND --help

Exit codes: 0 success; 1 the run failed or was aborted; 2 bad usage or input, or a
run without a terminal that reached a decision only a person may make.
SESSION: an id, a unique prefix of one, latest (the newest), a directory or a session.jsonl.
Left out in a terminal, watch, verify, replay and export list the sessions to pick one
(Enter); Esc or q picks none and exits 130.
verify: 0 VALID, 1 INVALID, 3 INCOMPLETE, 4 UNTRUSTED.
Team archive: with one configured (--archive URL, RUNBOOK_ARCHIVE, or \`config set archive\`),
run and resume stream every line to it; watch, approve, verify, sessions, replay and export
take --archive to work from it, from any machine.`,
	run: `Usage: runbook run FILE [options]

Runs the runbook in the terminal UI and records every event to a session log.
With stdout not a terminal, or CI set (other than false or 0): one plain line per event, no
prompts. NO_COLOR turns colour off.

Options:
  --var k=v       give a var (repeatable); asked for at start otherwise (one only the
                  rollback uses: when a rollback needs it). Other local users can
                  read it in the process list: give secrets another way
  --var-file FILE secret vars as name=value lines, from a file only you can read
                  (or RUNBOOK_VAR_<name> in the environment, or at the prompt)
  --dry-run       show every resolved command, confirmation and timeout; run nothing
  --from STEP     skip every step before STEP (recorded as skipped)
  --yes           approve plain confirmations and var defaults in advance
                  (typed confirmations, checks, asks and approvals are never pre-approved)
  --allowed-signers F
                  only keys in this allowed_signers file may give second approvals
                  (default: allowed_signers in runbook's settings folder, if there is one;
                  else anyone but the operator)
  --concurrent    run even while another run of FILE by you on this host is live
  --log-dir DIR   where session directories go
                  (default $XDG_STATE_HOME/runbook/sessions, ~/.local/state/runbook/sessions)`,
	resume: `Usage: runbook resume [SESSION] [options]

Goes on with a session whose runner stopped: killed, crashed, or its terminal closed (an SSH
drop leaves the running step running). SESSION defaults to your newest session that is not
sealed, not ended and not running. The log is folded and the run carries on where it stopped.

A step that was running is never run again on its own: if its process still runs, runbook
reattaches and streams its output from where the log stopped; if it ended meanwhile, its
output and exit code are collected; if neither can be known, you choose: run it again, mark
it done, or skip it (with a reason). Which of these happened is recorded.

Secret values are never stored: give them again (asked for, or --var). If the runbook file
changed since the session started, the changes are shown and you type \`resume\` to go on
with the new version (recorded), or --strict refuses.

Options:
  --var k=v       give a secret var again (repeatable; visible in the process list)
  --var-file FILE secret vars as name=value lines, from a file only you can read
  --strict        refuse when the runbook file changed
  --yes           approve plain confirmations in advance from here on
  --allowed-signers F
                  also trust sessions signed by these keys (else your own only;
                  default: allowed_signers in runbook's settings folder)
  --log-dir DIR   where session directories are

Exit codes as for run; 2 when the session cannot be resumed (sealed, ended, still running,
INVALID, or a changed runbook refused), with the reason.`,
	watch: `Usage: runbook watch [SESSION] [--allowed-signers F] [--log-dir DIR]

Follows a live session read-only, with the operator's screens: a LIVE badge, how far it lags
behind the writer, and "session ended" at the seal. Joined late, it catches up from the start
of the log. It only reads the log: it makes no decisions and never writes to the session.
Without SESSION: in a terminal, a list of the sessions to pick one from; else the live
sessions you can read. q quits.
Exit 0; 1 when the log breaks off in a line that is not a log line (\`runbook verify\` says more).`,
	approve: `Usage: runbook approve [SESSION] [--allowed-signers F] [--log-dir DIR]

Gives the second approval a step waits for (\`approvals: 2\` in the runbook). Shows the step,
its command as it will run, the phase, who asked and how long ago; you type \`approve\`, or
\`reject\` and a reason. The answer is signed with your own identity (your ssh-agent key or
your runbook key) over the session, the step and the chain head at the request, and handed in
to the running session, which checks it: the operator's own key is refused (no
self-approval), and so is a key outside the allowed signers when those are configured.
Without SESSION, the one live session waiting for an approval.
Exit 0 when the session took the answer, 1 when it refused it, 2 when there is nothing to approve.`,
	import: `Usage: runbook import CHECKLIST.md [-o FILE]

Turns a Markdown deploy checklist into a runbook draft that validates: headings become phases,
checkboxes and numbered items check steps, shell blocks run steps (comments name them;
placeholders like <db-host> or YOUR_DOMAIN become vars; destructive commands ask for a typed
confirmation), times of day become phase start times and timeboxes, "for 30 minutes" becomes a
wait, rollback and sign-off sections the rollback list and the sign-off, environment-variable
lists env preconditions (keys, passwords and tokens secret). Anything else is kept as a note:
no line is dropped. Text garbled by a Mac Roman round trip (‚úÖ for ✅) is repaired.
Writes to stdout, or to FILE (never over an existing one); what it did, and each guess, on stderr.`,
	validate: `Usage: runbook validate FILE...

Checks runbooks without running them. Prints every problem as file:line:col: message.
Exit 0 when all are valid, 2 otherwise.`,
	verify: `Usage: runbook verify [SESSION] [--allowed-signers F] [--principal P] [--json] [--log-dir DIR]

Checks a session log: every line canonical and hash-chained, the header attested and the
checkpoints and seal signed, session.jsonl.sig over the whole file, and who signed it.
SESSION is a session id, a unique prefix of one, latest, its directory, or its session.jsonl;
left out in a terminal, it is picked from a list (Esc or q picks none: exit 130).
Without --allowed-signers, your own identity (runbook keys) is trusted, and the verdict says so.

Verdicts and exit codes:
  VALID       0  sealed, every check passes, signer trusted
  INVALID     1  names the first bad line, its byte offset and why
  INCOMPLETE  3  a valid signed prefix and no seal (a crash or a cut), or a torn last line;
                 beside session.jsonl.sig a log without its seal was cut: INVALID
  UNTRUSTED   4  consistent (sealed or not), but the signer, a runner that took over, or
                 an approver is not trusted
The header must name the session given by id or directory; the verdict line names it.
  (2: bad usage)

Without runbook:  ssh-keygen -Y verify -f allowed_signers -I PRINCIPAL -n runbook-session \\
                    -s session.jsonl.sig < session.jsonl`,
	keys: `Usage: runbook keys [--use FINGERPRINT]

Shows the signing identity: the key ssh-agent offers (SSH_AUTH_SOCK), or else an Ed25519
key runbook creates for you (mode 0600, in its settings folder). Prints the public key and
an allowed_signers line. --use picks among several agent keys by fingerprint.`,
	sessions: `Usage: runbook sessions [--json] [--log-dir DIR]
       runbook sessions --archive [--runbook TEXT] [--operator USER] [--since 2026-11-30|24h] [--outcome O] [--json]

Lists recorded sessions, newest first: when each started, how long it took, how it ended,
its verify verdict (your own identity trusted), the operator and the runbook.
With --archive: every operator's archived sessions, with host, and sealed or not (\`verify SESSION
--archive\` gives the verdict).`,
	export: `Usage: runbook export [SESSION] --format md|html|json|cast [-o FILE] [--force] [--log-dir DIR]

Post-mortem documents from a session log, each carrying the verify verdict. An INVALID log is
refused (exit 1) unless --force. Approvers are named as claimed unless allowed signers confirm them.
  md    the timeline: phases planned against actual, each step with its command, outcome,
        duration, exit code and output tail, who confirmed what and when, every deviation
        with its reason, and the verify verdict
  html  the same in one self-contained file, with a chart of phases (timebox against
        actual, overruns marked) and of steps
  json  the folded state and the events, for other tools
  cast  asciicast v2 with a marker per phase and step (asciinema play / asciinema cat); the
        verdict is a header field and the first marker`,
	replay: `Usage: runbook replay [SESSION] [--speed N] [--idle-limit S] [--start-at STEP] [--force] [--log-dir DIR]

Replays a recorded session with the live run's screens, driven by its events. Never runs
anything. The log is verified first: an INVALID log is refused unless --force (then a red
banner stays on every frame); an INCOMPLETE one shows a banner.
  --speed N        start at N times real time (default 1)
  --idle-limit S   cap every pause between events at S seconds (default 2)
  --start-at STEP  start at the step with this id
Keys: space pause/resume, . one event, ] [ next/previous step, } { next/previous phase,
> < faster/slower, q quit. Without a terminal, the events are printed as plain lines.`,
	archive: `Usage: runbook archive init|doctor|push [SESSION | --all] [--log-dir DIR] [--archive URL]

The team archive in PostgreSQL (URL: --archive, else RUNBOOK_ARCHIVE, else \`runbook config set archive\`).
  init    create the schema and the roles runbook_writer (INSERT, SELECT) and runbook_reader
          (SELECT); UPDATE, DELETE and TRUNCATE are refused by trigger, even to the owner
  doctor  what is reachable, and what the connected role may do
  push    send what the archive does not hold yet of SESSION, or of every local session`,
	config: `Usage: runbook config set archive postgres://USER@HOST/DB

Stores the team archive's URL in runbook's settings folder; RUNBOOK_ARCHIVE and --archive URL
override it. An empty URL removes it: sessions then stay on this machine only.`,
	schema: `Usage: runbook schema

Prints the JSON Schema of the runbook format (version 1), for editors and CI.`,
};
