namespace Workbook.Products.Classification.Peers;

/// <summary>scikit-learn's draft.py (Peers/draft_sklearn.py) run with Debian's /usr/bin/python3 on the bench's split.</summary>
internal sealed class SklearnPeer(string workDirectory)
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Python is there and imports scikit-learn (checked once).</summary>
    public static bool Available => LazyAvailable.Value;

    private static readonly Lazy<bool> LazyAvailable = new(() =>
    {
        if (!File.Exists(Python)) return false;
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Python, ["-c", "import sklearn"])
                { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    });

    public sealed record Outcome(double FitSeconds, double PredictSeconds, double WallSeconds, double CpuSeconds, long PeakBytes, double Accuracy, IReadOnlyList<IReadOnlySet<int>> Predicted);

    public static string Script => Path.Combine(AppContext.BaseDirectory, "Products", "Classification", "Peers", "draft_sklearn.py");

    public Outcome Run(ProductCatalog catalog, IReadOnlyList<Product> train, IReadOnlyList<Product> test, CancellationToken cancel)
    {
        Directory.CreateDirectory(workDirectory);
        var trainIds = Path.Combine(workDirectory, "train_ids.txt");
        var testIds = Path.Combine(workDirectory, "test_ids.txt");
        var output = Path.Combine(workDirectory, "sklearn_predictions.tsv");
        File.WriteAllLines(trainIds, train.Select(p => p.Id));
        File.WriteAllLines(testIds, test.Select(p => p.Id));
        var run = PeerProcess.Run(Python, [Script, catalog.DataPath, catalog.LabelInfoPath, trainIds, testIds, output], cancel);
        var json = System.Text.Json.JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement;
        var tree = catalog.Labels;
        var predicted = File.ReadAllLines(output).Select(line =>
        {
            var labels = line.Split('\t')[1].Split('|', StringSplitOptions.RemoveEmptyEntries);
            return (IReadOnlySet<int>)tree.Closure(labels.Select(tree.IndexOf));
        }).ToList();
        return new Outcome(json.GetProperty("fit_seconds").GetDouble(), json.GetProperty("predict_seconds").GetDouble(), run.Seconds, run.CpuSeconds,
            run.PeakBytes, json.GetProperty("accuracy").GetDouble(), predicted);
    }
}
