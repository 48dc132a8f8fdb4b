# Boot time is the product: nothing at boot that a one-job instance does not need. Each choice
# and its reason is in docs/images.md.
$ErrorActionPreference = 'Stop'

# No updates, no telemetry, no indexing, no print spooler on a machine that lives for one job.
$quiet = @('wuauserv', 'UsoSvc', 'WaaSMedicSvc', 'DiagTrack', 'WSearch', 'Spooler', 'MapsBroker', 'SysMain')
foreach ($name in $quiet) {
  $service = Get-Service -Name $name -ErrorAction SilentlyContinue
  if ($null -eq $service) { continue }
  try {
    Stop-Service -Name $name -Force -ErrorAction SilentlyContinue
    Set-Service -Name $name -StartupType Disabled
  } catch {
    # Some are protected (WaaSMedicSvc); the policy below still keeps updates off.
    Write-Host "could not disable ${name}: $_"
  }
}
$au = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU'
New-Item -Path $au -Force | Out-Null
Set-ItemProperty -Path $au -Name NoAutoUpdate -Value 1 -Type DWord

# Scheduled maintenance (defrag, disk cleanup, compatibility appraisal) would compete with jobs.
foreach ($task in @('\Microsoft\Windows\Defrag\ScheduledDefrag', '\Microsoft\Windows\Application Experience\Microsoft Compatibility Appraiser')) {
  $path = ($task -replace '[^\\]+$', '')
  $name = ($task -split '\\')[-1]
  Get-ScheduledTask -TaskPath $path -TaskName $name -ErrorAction SilentlyContinue | Disable-ScheduledTask | Out-Null
}

# The .NET assemblies the runner and PowerShell use are compiled now, not during the first job.
$ngen = Join-Path $env:WINDIR 'Microsoft.NET\Framework64\v4.0.30319\ngen.exe'
if (Test-Path $ngen) { & $ngen executeQueuedItems | Out-Null }

# Defender scanning the runner's work folder slows every checkout and build; real-time
# protection stays on elsewhere.
Add-MpPreference -ExclusionPath 'C:\actions-runner'

# Remove what this build downloaded.
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue (Join-Path $env:TEMP '*')
