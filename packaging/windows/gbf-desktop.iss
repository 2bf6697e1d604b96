; Inno Setup script for GoBeyondFit Desktop on Windows: installs the one-folder bundle made by
; packaging/build.sh (dist\gbf-desktop), adds a Start-menu entry and an uninstaller.
;   iscc /DAppVersion=0.1.0 packaging\windows\gbf-desktop.iss
; A coach's data folder (%LOCALAPPDATA%\gbf-desktop) is theirs: the uninstaller leaves it.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "GoBeyondFit Desktop"
#define AppExe "gbf-desktop.exe"
#define Bundle "..\..\dist\gbf-desktop"

[Setup]
AppId={{6C1B3E9A-4F1D-4C7B-9B8E-2D0F5A7C3E11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=GoBeyondFit
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user install without administrator rights unless the coach chooses all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=GoBeyondFit-Desktop-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\gbf-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Files]
; The whole bundle: the program and its _internal folder, every file and sub-folder.
Source: "{#Bundle}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#Bundle}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python byte-code caches the app may have written next to itself.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
