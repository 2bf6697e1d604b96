"""The application shell: Qt start-up and look, the main window, sign-in, the crash dialog."""
