using System.Text.Json;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>The tuned model's file and its lineage beside it (both written atomically).</summary>
public static class ModelFiles
{
    private static readonly System.Text.RegularExpressions.Regex ExperimentName = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$");

    /// <summary>
    /// An experiment name becomes a file name (the CLI's default model path): "../x" would put the model outside
    /// data/models/automl and "" would write ".model". Letters, digits, '.', '_' and '-', at most 100, not starting with a dot.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not one.</exception>
    public static string CheckExperimentName(string name) => ExperimentName.IsMatch(name) && !name.Contains("..")
        ? name
        : throw new ArgumentException($"experiment name '{name}' is not usable as a file name: use 1-100 letters, digits, '.', '_' or '-', " +
                                      "starting with a letter or digit, without '..'.");

    /// <summary>
    /// Refuses a model path that is one of the experiment's inputs (a data file, a file of the data folder, the store)
    /// or the lineage of one, before any trial runs rather than after the budget is spent.
    /// </summary>
    public static string CheckOutputs(string modelPath, string experimentName, string dataPath, string storePath)
    {
        var model = Path.GetFullPath(modelPath);
        var inputs = (Directory.Exists(dataPath) ? Directory.GetFiles(dataPath) : [dataPath]).Select(f => ("data file", f))
            .Append(("experiment store", storePath));
        OutputGuard.Check(inputs, [("model file", model), ("lineage file", LineagePath(model))]);
        return model;
    }

    public static string LineagePath(string modelPath) => modelPath + ".lineage.json";

    /// <summary>
    /// Refits the selected configuration (<see cref="ConfigurationSelection"/>: the best trial, or the default when the
    /// best does not convincingly beat it) on all training data, saves the model, and writes its lineage (experiment,
    /// trial, parameters, why it was selected, metrics, data hash, commit, input file hashes) next to it.
    /// </summary>
    public static ModelLineage RefitBest(ExperimentStore store, string experimentName, ITrainable trainable, string modelPath,
        CancellationToken cancellation = default)
    {
        var experiment = store.Get(experimentName);
        var trials = store.Trials(experiment.Id);
        var constraints = experiment.Definition.Constraints;
        if (Leaderboard.Best(trials, constraints) is null)
            throw new InvalidOperationException($"Experiment '{experimentName}' has no completed trial to refit" +
                                                (constraints.Length > 0 ? $" that meets its constraints ({constraints})." : "."));
        var selection = ConfigurationSelection.Choose(trainable, trials, cancellation, constraints);
        // The trial that evaluated the selected configuration (the default may not have been one).
        var trial = Leaderboard.Rank(trials).FirstOrDefault(t => t.ParamsJson == selection.Parameters.Json);
        modelPath = CheckOutputs(modelPath, experimentName, experiment.Definition.DataPath, store.Path);
        var test = trainable.FitFinalAndSave(selection.Parameters, modelPath, cancellation);
        var lineage = new ModelLineage(experimentName, experiment.Definition.Task, experiment.Definition.Tuner, experiment.Definition.Seed,
            trial?.Number, selection.Reason, JsonDocument.Parse(selection.Parameters.Json).RootElement,
            trial?.Metrics is { } m ? Flatten(m) : new Dictionary<string, double>(), Flatten(test), experiment.Definition.DataHash,
            experiment.Definition.CodeVersion, Provenance.Capture(DataFiles(experiment.Definition.DataPath)), store.Path);
        AtomicFile.WriteAllText(LineagePath(modelPath), JsonSerializer.Serialize(lineage, new JsonSerializerOptions { WriteIndented = true }));
        store.SetModelPath(experiment.Id, modelPath);
        return lineage;
    }

    /// <summary>
    /// The experiment's data: every file of a folder (a catalogue's data and labels), the file itself, or nothing when
    /// the path names no file (a synthetic task).
    /// </summary>
    internal static IReadOnlyList<string> DataFiles(string dataPath) =>
        Directory.Exists(dataPath)
            ? Directory.GetFiles(dataPath, "*", SearchOption.AllDirectories).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList()
            : File.Exists(dataPath) ? [Path.GetFullPath(dataPath)] : [];

    private static Dictionary<string, double> Flatten(TrialMetrics m) =>
        m.Values.Append(new KeyValuePair<string, double>("objective", m.Objective)).ToDictionary();
}

/// <summary>Where a tuned model came from: enough to find its experiment and trial and to check its inputs.</summary>
public sealed record ModelLineage(
    string Experiment, string Task, string Tuner, int Seed, int? Trial, string Selection, JsonElement Parameters,
    IReadOnlyDictionary<string, double> ValidationMetrics, IReadOnlyDictionary<string, double> TestMetrics,
    string DataHash, string ExperimentCodeVersion, Provenance Provenance, string Store);
