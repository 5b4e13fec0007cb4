import Daemon

// The built-in plugins only; a school's own jiuyed names its plugins here (Examples/).
await JiuyedCommand.main(plugins: [])
