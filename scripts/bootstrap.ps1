#Requires -Version 5.1
<#
  runs-fleet bootstrap for Windows instances (EC2 user data, inside <powershell> tags).

  Reads IMDSv2, downloads the agent (S3, HTTPS or file URL), verifies its SHA-256, installs it
  with its env file, and starts it at boot as SYSTEM. On any failure it sends a
  `bootstrap_failed` event (with the end of this log) to the events queue and shuts the instance
  down, which terminates it (launches set the shutdown behaviour to `terminate`). Safe to run
  again after a reboot: an installed binary with the right checksum is kept.

  The agent is a plain console program (Bun-compiled): it cannot answer the Service Control
  Manager by itself. With a service wrapper (WinSW, baked into the AMI at
  <install dir>\winsw.exe or named by RUNS_FLEET_SERVICE_WRAPPER) it is installed as the
  Windows service `runs-fleet-agent`; without one, as a startup scheduled task running as
  SYSTEM that is restarted on failure. RUNS_FLEET_SERVICE_MODE = auto | service | task | none.

  Inputs (environment; the runs-fleet:* instance tags in brackets fill in what is unset):
    RUNS_FLEET_AGENT_URL         URL of the binary, or of the folder (ending in /) holding
                                 runs-fleet-agent-windows-x64.exe and SHA256SUMS [runs-fleet:agent-url]
    RUNS_FLEET_AGENT_SHA256      expected SHA-256, else read from SHA256SUMS [runs-fleet:agent-sha256]
    RUNS_FLEET_EVENTS_QUEUE_URL  the events queue [runs-fleet:events-queue-url]
    RUNS_FLEET_RUNNER_CONFIG_SOURCE, RUNS_FLEET_SSM_PREFIX, RUNS_FLEET_SSM_ENDPOINT
                                 where this instance's runner config is (ssm, /runs-fleet): a
                                 failure report is signed with the event key in it, when the
                                 config is there already; unsigned, the control plane refuses it
    RUNS_FLEET_*                 every other RUNS_FLEET_ variable is passed on to the agent
  Overrides: RUNS_FLEET_IMDS_ENDPOINT, RUNS_FLEET_BOOTSTRAP_LOG, RUNS_FLEET_INSTALL_DIR
  (%ProgramFiles%\runs-fleet), RUNS_FLEET_ETC_DIR (%ProgramData%\runs-fleet),
  RUNS_FLEET_SHUTDOWN_COMMAND (shutdown /s /t 0 /f), RUNS_FLEET_AWS_CLI (aws),
  RUNS_FLEET_SQS_ENDPOINT.
#>
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12

function Get-Setting([string]$Name, [string]$Default = '') {
  $value = [Environment]::GetEnvironmentVariable($Name)
  if ([string]::IsNullOrEmpty($value)) { return $Default }
  return $value
}

$Imds = Get-Setting 'RUNS_FLEET_IMDS_ENDPOINT' 'http://169.254.169.254'
$EtcDir = Get-Setting 'RUNS_FLEET_ETC_DIR' (Join-Path $env:ProgramData 'runs-fleet')
$InstallDir = Get-Setting 'RUNS_FLEET_INSTALL_DIR' (Join-Path $env:ProgramFiles 'runs-fleet')
$Log = Get-Setting 'RUNS_FLEET_BOOTSTRAP_LOG' (Join-Path $EtcDir 'bootstrap.log')
$ShutdownCommand = Get-Setting 'RUNS_FLEET_SHUTDOWN_COMMAND' 'shutdown /s /t 0 /f'
$AwsCli = Get-Setting 'RUNS_FLEET_AWS_CLI' 'aws'
$ServiceMode = Get-Setting 'RUNS_FLEET_SERVICE_MODE' 'auto'
$Name = 'runs-fleet-agent'
$Binary = 'runs-fleet-agent-windows-x64.exe'
$BootStartedAt = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()

$script:Stage = 'start'
$script:InstanceId = 'unknown'
$script:Region = $env:AWS_REGION
$script:Token = $null

New-Item -ItemType Directory -Force -Path $EtcDir, $InstallDir, (Split-Path $Log) | Out-Null

function Write-Log([string]$Message) {
  $line = '{0} [{1}] {2}' -f [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ'), $script:Stage, $Message
  Add-Content -Path $Log -Value $line
  Write-Host $line
}

# A metadata path under /latest/meta-data/; $null when IMDS answers 404. Retries with backoff.
function Get-Imds([string]$Path) {
  for ($attempt = 1; ; $attempt++) {
    try {
      if (-not $script:Token) {
        $script:Token = Invoke-RestMethod -Method Put -Uri "$Imds/latest/api/token" -TimeoutSec 5 `
          -Headers @{ 'X-aws-ec2-metadata-token-ttl-seconds' = '21600' } -UseBasicParsing
      }
      $response = Invoke-WebRequest -Uri "$Imds/latest/meta-data/$Path" -TimeoutSec 5 `
        -Headers @{ 'X-aws-ec2-metadata-token' = $script:Token } -UseBasicParsing
      return [string]$response.Content
    } catch {
      $status = 0
      if ($_.Exception.Response) { $status = [int]$_.Exception.Response.StatusCode }
      if ($status -eq 404) { return $null }
      if ($status -eq 401) { $script:Token = $null }
      if ($attempt -ge 5) { throw }
      Start-Sleep -Seconds $attempt
    }
  }
}

function Get-Tag([string]$Key) { return Get-Imds "tags/instance/$Key" }

function Copy-FromUrl([string]$Url, [string]$Destination) {
  if ($Url.StartsWith('s3://')) {
    & $AwsCli s3 cp --only-show-errors --region $script:Region $Url $Destination
    if ($LASTEXITCODE -ne 0) { throw "aws s3 cp $Url failed with exit code $LASTEXITCODE" }
  } else {
    for ($attempt = 1; ; $attempt++) {
      try {
        Invoke-WebRequest -Uri $Url -OutFile $Destination -UseBasicParsing -TimeoutSec 600
        return
      } catch {
        if ($attempt -ge 5) { throw }
        Start-Sleep -Seconds (2 * $attempt)
      }
    }
  }
}

# This instance's event key, from its runner config if that is readable yet (the control plane
# writes the key first, so it is in the first SSM part); $null otherwise.
function Get-EventKey {
  $source = Get-Setting 'RUNS_FLEET_RUNNER_CONFIG_SOURCE' 'ssm'
  $text = ''
  try {
    if ($source.StartsWith('file:')) {
      $path = Join-Path $source.Substring(5) "$($script:InstanceId).json"
      if (Test-Path $path) { $text = [IO.File]::ReadAllText($path) }
    } elseif ($source -eq 'ssm') {
      $prefix = Get-Setting 'RUNS_FLEET_SSM_PREFIX' '/runs-fleet'
      $cliArgs = @('ssm', 'get-parameter', '--with-decryption', '--query', 'Parameter.Value',
        '--output', 'text', '--name', "$prefix/runners/$($script:InstanceId)/config")
      if ($script:Region) { $cliArgs += @('--region', $script:Region) }
      if ($env:RUNS_FLEET_SSM_ENDPOINT) { $cliArgs += @('--endpoint-url', $env:RUNS_FLEET_SSM_ENDPOINT) }
      $out = & $AwsCli @cliArgs 2>$null
      if ($LASTEXITCODE -eq 0) { $text = ($out -join "`n") }
    }
  } catch {
    return $null
  }
  $found = [regex]::Match($text, '"eventKey":"([0-9a-f]{64})"')
  if ($found.Success) { return $found.Groups[1].Value }
  return $null
}

# HMAC-SHA256 of the body's UTF-8 bytes under the hex key, as lowercase hex (PowerShell 5.1's
# .NET Framework has no Convert.FromHexString, hence the loop).
function Get-EventSignature([string]$KeyHex, [string]$Body) {
  $key = New-Object byte[] ($KeyHex.Length / 2)
  for ($i = 0; $i -lt $key.Length; $i++) { $key[$i] = [Convert]::ToByte($KeyHex.Substring(2 * $i, 2), 16) }
  $hmac = New-Object System.Security.Cryptography.HMACSHA256 (, $key)
  try {
    $mac = $hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($Body))
  } finally {
    $hmac.Dispose()
  }
  return (($mac | ForEach-Object { $_.ToString('x2') }) -join '')
}

function Send-BootstrapFailed {
  $queue = $env:RUNS_FLEET_EVENTS_QUEUE_URL
  if (-not $queue) { Write-Log 'no events queue known: cannot report the failure'; return }
  $id = [guid]::NewGuid().ToString()
  $tail = (Get-Content -Path $Log -Tail 60 -ErrorAction SilentlyContinue) -join "`n"
  if ($tail.Length -gt 12000) { $tail = $tail.Substring($tail.Length - 12000) }
  $body = [ordered]@{
    id = $id
    type = 'bootstrap_failed'
    instanceId = $script:InstanceId
    at = [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
    stage = $script:Stage
    logTail = $tail
  } | ConvertTo-Json -Compress
  $bodyFile = Join-Path $env:TEMP "runs-fleet-bootstrap-failed-$id.json"
  # Passed as a file: quoting JSON on a Windows command line is fragile. UTF-8 without a BOM,
  # the bytes the signature is made over.
  [IO.File]::WriteAllText($bodyFile, $body, (New-Object System.Text.UTF8Encoding $false))
  $attributes = 'type={DataType=String,StringValue=bootstrap_failed}'
  $key = Get-EventKey
  if ($key) {
    $attributes += ',signature={DataType=String,StringValue=' + (Get-EventSignature $key $body) + '}'
  } else {
    # No config yet: sent anyway, for the log. The consumer refuses it; the instance ends itself
    # below and EC2's state-change event tells the control plane.
    Write-Log 'no event key readable yet: bootstrap_failed goes unsigned'
  }
  $cliArgs = @('sqs', 'send-message', '--queue-url', $queue, '--message-body', "file://$bodyFile",
    '--message-attributes', $attributes)
  if ($script:Region) { $cliArgs += @('--region', $script:Region) }
  if ($env:RUNS_FLEET_SQS_ENDPOINT) { $cliArgs += @('--endpoint-url', $env:RUNS_FLEET_SQS_ENDPOINT) }
  if ($queue.EndsWith('.fifo')) {
    $cliArgs += @('--message-group-id', $script:InstanceId, '--message-deduplication-id', $id)
  }
  for ($attempt = 1; $attempt -le 3; $attempt++) {
    & $AwsCli @cliArgs | Out-Null
    if ($LASTEXITCODE -eq 0) { Write-Log 'bootstrap_failed sent'; return }
    Start-Sleep -Seconds $attempt
  }
  Write-Log 'could not send bootstrap_failed'
}

function Install-AgentService([string]$Agent, [string]$EnvFile) {
  $wrapper = Get-Setting 'RUNS_FLEET_SERVICE_WRAPPER' (Join-Path $InstallDir 'winsw.exe')
  $mode = $ServiceMode
  if ($mode -eq 'auto') { $mode = if (Test-Path $wrapper) { 'service' } else { 'task' } }
  switch ($mode) {
    'none' { Write-Log 'service registration skipped (RUNS_FLEET_SERVICE_MODE=none)' }
    'service' {
      $serviceExe = Join-Path $InstallDir "$Name-service.exe"
      Copy-Item -Force $wrapper $serviceExe
      @"
<service>
  <id>$Name</id>
  <name>runs-fleet agent</name>
  <description>Runs one GitHub Actions job on this instance and reports to runs-fleet.</description>
  <executable>$Agent</executable>
  <arguments>--env-file "$EnvFile"</arguments>
  <startmode>Automatic</startmode>
  <onfailure action="restart" delay="5 sec"/>
  <onfailure action="restart" delay="5 sec"/>
  <onfailure action="none"/>
  <stoptimeout>90 sec</stoptimeout>
  <log mode="roll"/>
</service>
"@ | Set-Content -Encoding UTF8 -Path (Join-Path $InstallDir "$Name-service.xml")
      if (-not (Get-Service -Name $Name -ErrorAction SilentlyContinue)) {
        & $serviceExe install
        if ($LASTEXITCODE -ne 0) { throw "service install failed with exit code $LASTEXITCODE" }
      }
      if ((Get-Service -Name $Name).Status -ne 'Running') { Start-Service -Name $Name }
      Write-Log "agent running as the Windows service $Name"
    }
    'task' {
      $action = New-ScheduledTaskAction -Execute $Agent -Argument "--env-file `"$EnvFile`""
      $trigger = New-ScheduledTaskTrigger -AtStartup
      $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
      $settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 3 `
        -RestartInterval (New-TimeSpan -Minutes 1) -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
      Register-ScheduledTask -TaskName $Name -Action $action -Trigger $trigger -Principal $principal `
        -Settings $settings -Force | Out-Null
      if ((Get-ScheduledTask -TaskName $Name).State -ne 'Running') { Start-ScheduledTask -TaskName $Name }
      Write-Log "agent running as the startup task $Name"
    }
    default { throw "RUNS_FLEET_SERVICE_MODE must be auto, service, task or none, not $mode" }
  }
}

# Env-file value in double quotes, as the agent reads it.
function ConvertTo-EnvValue([string]$Value) {
  return '"' + $Value.Replace('\', '\\').Replace('"', '\"') + '"'
}

try {
  $script:Stage = 'imds'
  Write-Log 'bootstrap starting'
  $script:InstanceId = (Get-Imds 'instance-id').Trim()
  # Another region's instance reads its config from, and reports to, the control plane's region.
  if (-not $script:Region) { $script:Region = "$(Get-Tag 'runs-fleet:home-region')".Trim() }
  if (-not $script:Region) { $script:Region = (Get-Imds 'placement/region').Trim() }
  $env:AWS_REGION = $script:Region
  $env:AWS_DEFAULT_REGION = $script:Region
  if (-not $env:RUNS_FLEET_EVENTS_QUEUE_URL) { $env:RUNS_FLEET_EVENTS_QUEUE_URL = Get-Tag 'runs-fleet:events-queue-url' }
  if (-not $env:RUNS_FLEET_AGENT_URL) { $env:RUNS_FLEET_AGENT_URL = Get-Tag 'runs-fleet:agent-url' }
  if (-not $env:RUNS_FLEET_AGENT_SHA256) { $env:RUNS_FLEET_AGENT_SHA256 = Get-Tag 'runs-fleet:agent-sha256' }
  Write-Log "instance $($script:InstanceId) in $($script:Region)"

  $script:Stage = 'download'
  $url = $env:RUNS_FLEET_AGENT_URL
  if (-not $url) { throw 'RUNS_FLEET_AGENT_URL is not set (nor the runs-fleet:agent-url tag)' }
  if ($url.EndsWith('/')) { $url = "$url$Binary" }
  $base = $url.Substring(0, $url.LastIndexOf('/'))
  $file = $url.Substring($url.LastIndexOf('/') + 1)
  $work = Join-Path $EtcDir ('.download-' + [guid]::NewGuid().ToString('N'))
  New-Item -ItemType Directory -Force -Path $work | Out-Null

  $expected = $env:RUNS_FLEET_AGENT_SHA256
  if (-not $expected) {
    Copy-FromUrl "$base/SHA256SUMS" (Join-Path $work 'SHA256SUMS')
    foreach ($line in Get-Content (Join-Path $work 'SHA256SUMS')) {
      $parts = $line -split '\s+\*?', 2
      if ($parts.Count -eq 2 -and $parts[1] -eq $file) { $expected = $parts[0] }
    }
    if (-not $expected) { throw "SHA256SUMS at $base has no line for $file" }
  }
  $expected = $expected.ToLowerInvariant()

  $agent = Join-Path $InstallDir 'runs-fleet-agent.exe'
  if ((Test-Path $agent) -and ((Get-FileHash -Algorithm SHA256 $agent).Hash.ToLowerInvariant() -eq $expected)) {
    Write-Log 'agent already installed with the expected checksum'
  } else {
    Write-Log "downloading $url"
    Copy-FromUrl $url (Join-Path $work 'agent.exe')
    $script:Stage = 'verify'
    $actual = (Get-FileHash -Algorithm SHA256 (Join-Path $work 'agent.exe')).Hash.ToLowerInvariant()
    if ($actual -ne $expected) { throw "checksum mismatch for ${url}: expected $expected, got $actual" }
    $script:Stage = 'install'
    Move-Item -Force (Join-Path $work 'agent.exe') $agent
    Write-Log "agent installed at $agent"
  }
  Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue

  $script:Stage = 'configure'
  $envFile = Join-Path $EtcDir 'agent.env'
  $skip = @('RUNS_FLEET_AGENT_URL', 'RUNS_FLEET_AGENT_SHA256', 'RUNS_FLEET_BOOTSTRAP_LOG', 'RUNS_FLEET_INSTALL_DIR',
    'RUNS_FLEET_ETC_DIR', 'RUNS_FLEET_AWS_CLI', 'RUNS_FLEET_SERVICE_MODE', 'RUNS_FLEET_SERVICE_WRAPPER',
    'RUNS_FLEET_BOOT_STARTED_AT')
  $lines = @('# Written by the runs-fleet bootstrap; read by runs-fleet-agent --env-file.',
    "AWS_REGION=$(ConvertTo-EnvValue $script:Region)", "RUNS_FLEET_BOOT_STARTED_AT=$BootStartedAt")
  foreach ($item in Get-ChildItem Env: | Where-Object { $_.Name -like 'RUNS_FLEET_*' } | Sort-Object Name) {
    if ($skip -notcontains $item.Name) { $lines += "$($item.Name)=$(ConvertTo-EnvValue $item.Value)" }
  }
  Set-Content -Encoding ASCII -Path "$envFile.new" -Value $lines
  Move-Item -Force "$envFile.new" $envFile
  # Only SYSTEM and Administrators may read the settings. By SID: group names are translated on
  # localised Windows, and an icacls that fails must stop the boot, not leave the file readable.
  & icacls $envFile /inheritance:r /grant:r '*S-1-5-18:F' '*S-1-5-32-544:F' | Out-Null
  if ($LASTEXITCODE -ne 0) { throw "icacls on $envFile failed with exit code $LASTEXITCODE" }

  $script:Stage = 'start'
  Install-AgentService $agent $envFile
} catch {
  Write-Log "failed: $($_.Exception.Message)"
  Send-BootstrapFailed
  Write-Log "shutting down: $ShutdownCommand"
  & cmd.exe /d /c $ShutdownCommand
  exit 1
}
