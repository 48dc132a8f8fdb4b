<powershell>
# User data of the Windows build instance only (never of a runner): WinRM over HTTPS with a
# throw-away self-signed certificate, so Packer can provision it.
$ErrorActionPreference = 'Stop'
Set-ExecutionPolicy -ExecutionPolicy Bypass -Scope LocalMachine -Force
$cert = New-SelfSignedCertificate -DnsName $env:COMPUTERNAME -CertStoreLocation 'Cert:\LocalMachine\My'
Get-ChildItem -Path WSMan:\localhost\Listener | Where-Object { $_.Keys -contains 'Transport=HTTP' } | Remove-Item -Recurse -Force
New-Item -Path WSMan:\localhost\Listener -Transport HTTPS -Address * -CertificateThumbPrint $cert.Thumbprint -Force | Out-Null
Set-Item -Path WSMan:\localhost\Service\Auth\Basic -Value $true
Set-Item -Path WSMan:\localhost\MaxTimeoutms -Value 1800000
New-NetFirewallRule -DisplayName 'WinRM HTTPS (image build)' -Direction Inbound -Protocol TCP -LocalPort 5986 -Action Allow | Out-Null
Set-Service -Name WinRM -StartupType Automatic
Restart-Service -Name WinRM
</powershell>
