using Workbook.Make;
using Workbook.Products.Classification;
using Workbook.Reports;

namespace Workbook.Tests.Studies;

public class ClassifierTargetsTests
{
    [Fact]
    public void One_target_per_catalogue_reading_its_folder_and_writing_under_its_own_derived_folder()
    {
        var root = WorkbookPaths.Root();
        var catalogues = ClassifierTargets.TrainCaps.Keys.ToList();
        Assert.Equal([.. catalogues.Select(c => $"classifier-study-{c}"), .. catalogues.Select(c => $"classifier-split-{c}"),
            .. catalogues.Select(c => $"classifier-mlnet-{c}")], ClassifierTargets.All.Select(t => t.Name));
        foreach (var t in ClassifierTargets.All)
        {
            var catalogue = catalogues.Single(c => t.Name.EndsWith("-" + c, StringComparison.Ordinal));
            Assert.All(t.Inputs, i => Assert.True(Directory.Exists(Path.Combine(root, i)), $"{t.Name}: input {i} is missing"));
            Assert.All(t.Code, c => Assert.True(Path.Exists(Path.Combine(root, c)), $"{t.Name}: code {c} is missing"));
            // ML.NET's peers write outside data/derived/classifier/, the folder notebook 02 names, so `report` does not make them.
            var folder = t.Name.StartsWith("classifier-mlnet-") ? "classifier-mlnet" : "classifier";
            Assert.All(t.Outputs, o => Assert.StartsWith($"data/derived/{folder}/{catalogue}/", o));
        }
    }

    [Fact]
    public async Task Flipkart_fixed_split_puts_the_workbook_beside_the_recorded_peers()
    {
        const string catalogue = "flipkart-1050";
        using var build = await TargetBuild.Run(ClassifierTargets.FixedSplit(catalogue), WorkbookPaths.Root());
        var rows = Artifact.Rows(build.Path(ClassifierTargets.OutputPath(catalogue, "fixed-split.json")));
        var ours = rows[0];
        Assert.Equal("workbook (classify train)", (string)ours["Model"]!);
        // 1,050 products, 80/20: every one of the 840 training products is used, the 210 others are scored.
        Assert.Equal(840, (int)ours["TrainProducts"]!);
        Assert.Equal(210, (int)ours["TestProducts"]!);
        Assert.Equal(0, (int)ours["Orphans"]!);
        Assert.Equal((double)ours["HierarchicalF1"]!, (double)ours["MicroF1"]!);
        var peers = rows.Skip(1).ToList();
        Assert.NotEmpty(peers);
        Assert.All(peers, r => Assert.Equal(catalogue, (string)r["Catalogue"]!));
        Assert.All(peers, r => Assert.True((double)ours["HierarchicalF1"]! > (double)r["HierarchicalF1"]!, $"the model should beat {r["Model"]}"));
        Assert.All(peers, r => Assert.True((double)ours["MicroF1"]! > (double)r["MicroF1"]!, $"the model should beat {r["Model"]} on micro-F1"));
    }

    [Fact]
    public async Task Flipkart_study_writes_what_notebook_02_reads()
    {
        const string catalogue = "flipkart-1050";
        var target = ClassifierTargets.Study(catalogue, maxTrain: 100000, seed: 1);
        using var build = await TargetBuild.Run(target, WorkbookPaths.Root());
        string At(string file) => build.Path(ClassifierTargets.OutputPath(catalogue, file));

        var comparison = Artifact.Rows(At("comparison.json"));
        Assert.Equal([StudyResult.StarterName, "workbook"], comparison.Select(r => (string)r["Model"]!));
        var model = comparison[^1];
        Assert.All(comparison, r => Assert.Equal(catalogue, (string)r["Catalogue"]!));
        // 1,050 products split 80/10/10: about 840 train, 105 test.
        Assert.InRange((int)model["TrainProducts"]!, 800, 880);
        Assert.InRange((int)model["TestProducts"]!, 90, 120);
        // Both rows trained on the same products; the model beats the starter.
        Assert.All(comparison, r => Assert.Equal((int)model["TrainProducts"]!, (int)r["TrainProducts"]!));
        Assert.All(comparison.SkipLast(1), r => Assert.True((double)model["HierarchicalF1"]! > (double)r["HierarchicalF1"]!, $"the model should beat {r["Model"]}"));
        var table = Artifact.Table(comparison);
        Assert.Contains("ExactMatchLevel2", table.Columns);

        var report = Artifact.Read<ClassificationReport>(At("model-report.json"));
        Assert.Equal((double)model["HierarchicalF1"]!, report.HierarchicalF1);
        Assert.Equal([1, 2, 3], report.Levels.Select(l => l.Level));
        Assert.NotEmpty(report.PerLabel);

        var tuned = Artifact.Rows(At("tuned.json"));
        Assert.Equal(Enum.GetNames<ThresholdMetric>(), tuned.Select(r => (string)r["TunedFor"]!));
        // Tuned for hierarchical F1, the decoder is the trained model's own: same score.
        Assert.Equal(report.HierarchicalF1, (double)tuned[0]["HierarchicalF1"]!);

        var errors = Artifact.Rows(At("errors.json"));
        Assert.InRange(errors.Count, 1, 40);
        Assert.All(errors, e => Assert.Contains((string)e["Kind"]!,
            new[] { "right top level, wrong below", "wrong top level", "too shallow / missing path", "extra labels" }));
        Assert.Equal(errors.Select(e => (double)e["Confidence"]!).OrderDescending(), errors.Select(e => (double)e["Confidence"]!));
    }
}
