using Workbook.AutoML;

namespace Workbook.Make;

/// <summary>Notebook 06's targets: the AutoML demo experiments on the classifier and on the ranking.</summary>
public static class AutoMLTargets
{
    public const string Folder = "data/derived/automl";
    public const int Seed = 7;

    internal static readonly string[] LibraryCode = ["lib/AutoML"];

    public static IReadOnlyList<Target> All => [AutoMLClassifierTarget.Target, AutoMLRankingTarget.Target];

    /// <summary>Runs one experiment of the demo: a fixed trial budget (never seconds, so results do not depend on load).</summary>
    internal static ExperimentSummary Run(ExperimentStore store, ITrainable trainable, string data, string options, string tuner, int trials,
        CancellationToken ct) =>
        new AutoMLExperiment(store, trainable).Run(AutoMLTasks.Define($"{trainable.Task}-{tuner}", trainable, data,
            AutoMLTasks.Standard.NormaliseOptions(trainable.Task, options), tuner, Seed, budgetSeconds: 900, maxTrials: trials), cancellation: ct);
}
