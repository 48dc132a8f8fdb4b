# Tools jobs and the bootstrap expect: the AWS CLI v2 and Git for Windows. Both installers are
# checked for a valid Authenticode signature by their publisher before they run.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12

function Get-Installer([string]$Url, [string]$Path, [string]$Publisher) {
  Invoke-WebRequest -UseBasicParsing -Uri $Url -OutFile $Path
  $signature = Get-AuthenticodeSignature -FilePath $Path
  if ($signature.Status -ne 'Valid' -or $signature.SignerCertificate.Subject -notmatch $Publisher) {
    throw "installer $Url is not validly signed by $Publisher ($($signature.Status))"
  }
}

$work = Join-Path $env:TEMP 'runs-fleet-tools'
New-Item -ItemType Directory -Force -Path $work | Out-Null

$cli = Join-Path $work 'AWSCLIV2.msi'
Get-Installer 'https://awscli.amazonaws.com/AWSCLIV2.msi' $cli 'Amazon'
$p = Start-Process -FilePath msiexec.exe -ArgumentList @('/i', $cli, '/qn', '/norestart') -Wait -PassThru
if ($p.ExitCode -ne 0) { throw "AWS CLI install failed with exit code $($p.ExitCode)" }

$gitExe = Join-Path $work 'git-setup.exe'
$gitUrl = "https://github.com/git-for-windows/git/releases/download/v$($env:GIT_VERSION).windows.1/Git-$($env:GIT_VERSION)-64-bit.exe"
Get-Installer $gitUrl $gitExe 'Johannes Schindelin'
$p = Start-Process -FilePath $gitExe -ArgumentList @('/VERYSILENT', '/NORESTART', '/NOCANCEL', '/SP-', '/SUPPRESSMSGBOXES') -Wait -PassThru
if ($p.ExitCode -ne 0) { throw "Git install failed with exit code $($p.ExitCode)" }

# Machine PATH for the services and jobs that start after this build.
$path = [Environment]::GetEnvironmentVariable('Path', 'Machine')
foreach ($dir in @("$env:ProgramFiles\Amazon\AWSCLIV2", "$env:ProgramFiles\Git\cmd")) {
  if (-not ($path -split ';' -contains $dir)) { $path = "$path;$dir" }
}
[Environment]::SetEnvironmentVariable('Path', $path, 'Machine')

& "$env:ProgramFiles\Amazon\AWSCLIV2\aws.exe" --version
if ($LASTEXITCODE -ne 0) { throw 'aws --version failed' }
& "$env:ProgramFiles\Git\cmd\git.exe" --version
if ($LASTEXITCODE -ne 0) { throw 'git --version failed' }
Remove-Item -Recurse -Force $work
