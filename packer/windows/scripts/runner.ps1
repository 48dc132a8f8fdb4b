# The GitHub Actions runner at a pinned version, checked against its published SHA-256, in
# C:\actions-runner (where the agent looks), and WinSW where the bootstrap looks for it.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12

function Get-Verified([string]$Url, [string]$Path, [string]$Sha256) {
  if ($Sha256 -notmatch '^[0-9a-f]{64}$') { throw "not a SHA-256: $Sha256" }
  Invoke-WebRequest -UseBasicParsing -Uri $Url -OutFile $Path
  $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash.ToLowerInvariant()
  # A mismatch stops the build: a file that is not the published one is never baked in.
  if ($actual -ne $Sha256) { throw "checksum mismatch for ${Url}: expected $Sha256, got $actual" }
}

$runnerDir = 'C:\actions-runner'
$installDir = Join-Path $env:ProgramFiles 'runs-fleet'
New-Item -ItemType Directory -Force -Path $runnerDir, $installDir | Out-Null

$zip = Join-Path $env:TEMP "actions-runner-win-x64-$($env:RUNNER_VERSION).zip"
$url = "https://github.com/actions/runner/releases/download/v$($env:RUNNER_VERSION)/actions-runner-win-x64-$($env:RUNNER_VERSION).zip"
Get-Verified $url $zip $env:RUNNER_SHA256
Add-Type -AssemblyName System.IO.Compression.FileSystem
[System.IO.Compression.ZipFile]::ExtractToDirectory($zip, $runnerDir)
Remove-Item -Force $zip
New-Item -ItemType Directory -Force -Path (Join-Path $runnerDir '_work') | Out-Null
Set-Content -Path (Join-Path $runnerDir '.runs-fleet-runner-version') -Value $env:RUNNER_VERSION

# Starting the listener once proves the runtime loads on this image, at build time.
& (Join-Path $runnerDir 'bin\Runner.Listener.exe') --version
if ($LASTEXITCODE -ne 0) { throw 'Runner.Listener --version failed' }

$winswUrl = "https://github.com/winsw/winsw/releases/download/v$($env:WINSW_VERSION)/WinSW-x64.exe"
Get-Verified $winswUrl (Join-Path $installDir 'winsw.exe') $env:WINSW_SHA256
