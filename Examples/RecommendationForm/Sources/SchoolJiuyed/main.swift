import Daemon
import RecommendationForm

await JiuyedCommand.main(plugins: [RecommendationFormPlugin.self])
