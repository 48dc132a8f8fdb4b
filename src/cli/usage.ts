/** The CLI's overview: shown for help, and after a missing or unknown command. */
export const usage = `usage: runs-fleet <command> [options]

commands:
  explain <label>...   show the spec a runs-on label asks for and the instance types it resolves to,
                       with their on-demand and current spot prices
  report cost          print a day's cost report (markdown) from the admin API
  ssh <job-id>         print (or run) the ssh command for the job's instance
  session <job-id>     print (or run) the aws ssm start-session command for the job's instance
  simulate             compare spot policies on a simulated fleet (cost, wait, churn, lost jobs)
  help [command]       show this help, or a command's

options:
  -h, --help           show help (after a command: that command's)

exit status: 0 for help, an accepted label and a report, 1 when the admin API cannot answer,
2 when a label is rejected or the command line is wrong
`;

const accessOptions = `The job's instance is looked up through the admin API: RUNS_FLEET_URL and
RUNS_FLEET_ADMIN_TOKEN, or --url and --token. Keep an instance after its job with the label key
debug=<minutes> (1–120).

options:
  --url URL            the control plane (default: RUNS_FLEET_URL)
  --token TOKEN        the admin token (default: RUNS_FLEET_ADMIN_TOKEN)
  --exec               run the command instead of printing it
  -h, --help           show this help

exit status: 0 when the command is printed (or, with --exec, what it exits with), 1 when the
job has no instance or it is gone, 2 when the command line or the token is wrong
`;

/** `runs-fleet ssh`'s help. */
export const sshUsage = `usage: runs-fleet ssh <job-id> [--user U] [-i KEY] [--host H] [--exec]

Prints the ssh command for the instance that runs (or ran) a job. The address is asked of EC2
with your own AWS credentials (public IP, else private IP) unless --host gives it. The
stack's KeyName and SshAllowedCidr parameters must allow it.

  --user U             login name (default ec2-user; Administrator on Windows)
  -i, --key KEY        the private key file of the stack's KeyName
  --host H             the address to use instead of asking EC2
${accessOptions}`;

/** `runs-fleet session`'s help. */
export const sessionUsage = `usage: runs-fleet session <job-id> [--exec]

Prints the aws ssm start-session command for the instance that runs (or ran) a job. Needs the
stack's EnableSessionManager parameter and the AWS CLI's Session Manager plugin.

${accessOptions}`;

/** `runs-fleet explain`'s own help: shown for `explain --help` and after a wrong explain line. */
export const explainUsage = `usage: runs-fleet explain <label>... [--json] [--region R] [--offline] [--price-timeout S]

Shows the spec a runs-on label asks for, with every default spelled out, and the instance types
it resolves to, cheapest first. Labels without the runs-fleet marker are ignored, as GitHub's
other labels are.

For a spot request, current spot prices (cheapest AZ of each type) are asked of EC2 with your
own AWS credentials and region setup (RUNS_FLEET_EC2_ENDPOINT overrides the endpoint), and the
candidates are ordered by them, as the control plane does. When EC2 cannot be reached in time
(no credentials, no network) the output says so and keeps on-demand list-price order.

options:
  --json               print JSON: {"ok":true,"spec":…,"candidates":[…],"spotPrices":{…}} or
                       {"ok":false,"errors":[…]}; each candidate has spotUsdPerHour and spotAz
  --region R           the region used when the label sets none (default us-east-1)
  --offline            do not ask EC2: on-demand list prices only
  --price-timeout S    how long to wait for EC2's spot prices, in seconds (default 5)
  -h, --help           show this help

exit status: 0 when the label is accepted (or for help), 2 when it is rejected or the command
line is wrong
`;

/** `runs-fleet report`'s help. */
export const reportUsage = `usage: runs-fleet report cost [--date YYYY-MM-DD] [--json]

Prints the cost report of a day (default: today, up to now) as markdown: EC2 compute, storage,
supporting services, versus GitHub-hosted, trends, top repositories and recommendations. It is
made on demand by the admin API (GET /api/reports/cost); nothing is stored or sent.

options:
  --date YYYY-MM-DD    the day, in the report's time zone (RUNS_FLEET_COST_REPORT_TIMEZONE)
  --json               print the report's JSON (totals, the day's figures, the markdown)
  --url URL            the control plane (default: RUNS_FLEET_URL)
  --token TOKEN        the admin token (default: RUNS_FLEET_ADMIN_TOKEN)
  -h, --help           show this help

exit status: 0 when the report is printed, 1 when the admin API cannot be reached or fails,
2 when the command line, the date or the token is wrong
`;
