// Plugins import only PluginAPI; the logger type they receive comes along with it.
@_exported import Logging
