using Workbook.Make;
using Workbook.Products.Ranking;
using Workbook.Reports;

namespace Workbook.Tests.Studies;

/// <summary>Each target of notebook 03's evaluation at every depth builds on 2,000 real products and few seeds, and reads back as the notebook reads it.</summary>
public class RankingDepthTargetsTests
{
    private sealed class SmallRoot : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ranking-depth-root-").FullName;

        public SmallRoot()
        {
            var file = System.IO.Path.Combine(Path, RankingTargets.Input);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllLines(file, File.ReadLines(System.IO.Path.Combine(WorkbookPaths.Root(), RankingTargets.Input)).Take(2001));
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private static readonly RankingDepthSettings Small = new()
    {
        ReportSeeds = [0, 1], SelectionSeeds = [100, 101], TriedSeeds = [100], CalibrationSeeds = [0], Quantiles = [0.28], CeilingWorlds = [1],
    };

    private static Target Named(string name) => RankingDepthTargets.Create(Small).Single(t => t.Name == name);

    private static string Out(TargetBuild build, string file) => build.Path(RankingDepthTargets.OutputPath(file));

    private static readonly string[] Metrics = ListMetric.Standard.Select(m => m.Name).ToArray();

    [Fact]
    public void Targets_are_in_the_catalog_with_distinct_outputs_under_derived_ranking_depth()
    {
        var names = RankingDepthTargets.All.Select(t => t.Name).ToList();
        Assert.All(names, n => Assert.Contains(WorkbookTargets.All, t => t.Name == n));
        var outputs = WorkbookTargets.All.SelectMany(t => t.Outputs).ToList();
        Assert.Equal(outputs.Count, outputs.Distinct().Count());
        Assert.All(RankingDepthTargets.All.SelectMany(t => t.Outputs), o => Assert.StartsWith("data/derived/ranking/depth/", o));
    }

    [Fact]
    public async Task Depth_evaluation_reads_back_with_every_scorer_share_metric_and_seed()
    {
        using var root = new SmallRoot();
        using var build = await TargetBuild.Run(Named("ranking-depth-evaluation"), root.Path);
        var rows = Artifact.Rows(Out(build, "depth.json"));
        string[] scorers = [RankingDepthStudy.Model, RankingDepthStudy.Raw, RankingDepthStudy.Wilson, RankingDepthStudy.Cpc, RankingDepthTargets.PreviousDefault];
        Assert.Equal([.. scorers, .. scorers], rows.Select(r => (string)r["Scorer"]!));
        Assert.Equal([0.5, 0.5, 0.5, 0.5, 0.5, 0.8, 0.8, 0.8, 0.8, 0.8], rows.Select(r => (double)r["Share"]!));
        Assert.All(rows, r => Assert.All(Metrics, m => Assert.InRange((double)r[m]!, 0, double.MaxValue)));
        Assert.Null(rows[0]["wins NDCG@100"]);
        Assert.InRange((double)rows[1]["wins NDCG@100"]!, 0, 1);
        var seeds = Artifact.Rows(Out(build, "depth-seeds.json"));
        Assert.Equal(2 * scorers.Length * Metrics.Length * 2, seeds.Count);
        // The means are the means of the per-seed values.
        var raw100 = seeds.Where(r => (double)r["Share"]! == 0.5 && (string)r["Scorer"]! == RankingDepthStudy.Raw && (string)r["Metric"]! == "NDCG@100")
            .Average(r => (double)r["Value"]!);
        Assert.Equal(raw100, (double)rows[1]["NDCG@100"]!, 12);
        var targets = Artifact.Rows(Out(build, "depth-targets.json"));
        Assert.Equal([.. Metrics, .. Metrics], targets.Select(t => (string)t["Metric"]!));
        Assert.Equal((double)rows[0]["NDCG@100"]! - (double)rows[1]["NDCG@100"]!, (double)targets[0]["ModelMinusRaw"]!, 12);
        Assert.All(targets, t => Assert.IsType<bool>(t["BeatsEveryBaseline"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Calibration_tables_read_back_for_the_model_and_raw_at_both_shares()
    {
        using var root = new SmallRoot();
        using var build = await TargetBuild.Run(Named("ranking-depth-calibration"), root.Path);
        var exposure = Artifact.Rows(Out(build, "calibration-exposure.json"));
        Assert.Equal([RankingDepthStudy.Model, RankingDepthStudy.Raw], exposure.Select(r => (string)r["Scorer"]!).Distinct());
        Assert.Equal([0.5, 0.8], exposure.Select(r => (double)r["Share"]!).Distinct());
        Assert.All(exposure, r => Assert.InRange((double)r["HeldOutCtr"]!, 0, 1));
        var deciles = Artifact.Rows(Out(build, "calibration-decile.json"));
        Assert.Equal(2 * 2 * 10, deciles.Count);
        Assert.Equal("decile 1", (string)deciles[0]["Group"]!);
    }

    [Fact]
    public async Task Variants_quantile_sweep_model_free_check_and_ceiling_read_back()
    {
        using var root = new SmallRoot();
        using (var build = await TargetBuild.Run(Named("ranking-depth-tried"), root.Path))
        {
            var rows = Artifact.Rows(Out(build, "tried.json"));
            var names = rows.Select(r => (string)r["Scorer"]!).Distinct().ToList();
            Assert.Equal(RankingDepthStudy.Model, names[0]);
            Assert.Contains(RankingDepthStudy.CategoryLevelCandidate, names);
            Assert.Equal(RankingDepthStudy.Baselines().Count + RankingDepthStudy.Candidates().Count + RankingDepthStudy.Tried().Count, names.Count);
            Assert.All(rows, r => Assert.Equal(1, (int)r["Seeds"]!));
        }
        using (var build = await TargetBuild.Run(Named("ranking-depth-quantile-sweep"), root.Path))
        {
            var rows = Artifact.Rows(Out(build, "quantile-sweep.json"));
            Assert.Equal(["first edge at the 0.28 views quantile", RankingDepthTargets.PreviousDefault, RankingDepthStudy.Raw],
                rows.Select(r => (string)r["Scorer"]!).Distinct());
            // Win rates are each configuration's against raw; raw's own is empty.
            Assert.Null(rows.First(r => (string)r["Scorer"]! == RankingDepthStudy.Raw)["wins NDCG@100"]);
            Assert.InRange((double)rows[0]["wins NDCG@100"]!, 0, 1);
        }
        using (var build = await TargetBuild.Run(Named("ranking-depth-model-free"), root.Path))
        {
            var rows = Artifact.Rows(Out(build, "model-free.json"));
            Assert.Equal(ModelFreeEstimates.Names, rows.Select(r => (string)r["Scorer"]!));
            Assert.All(rows, r => Assert.InRange((double)r["NDCG (whole list)"]!, 0, 1));
        }
        using (var build = await TargetBuild.Run(Named("ranking-depth-ceiling"), root.Path))
        {
            var rows = Artifact.Rows(Out(build, "ceiling.json"));
            Assert.Equal([RankingDepthStudy.Model, RankingDepthStudy.Raw, RankingDepthStudy.Wilson, RankingDepthStudy.Cpc, RankingCeilingStudy.Oracle],
                rows.Select(r => (string)r["Scorer"]!));
            Assert.All(rows, r => Assert.Equal(1, (int)r["World"]!));
            // Win rates are each scorer's against raw; raw's own is empty.
            Assert.Null(rows[1]["wins NDCG@100"]);
            Assert.InRange((double)rows[4]["wins NDCG (whole list)"]!, 0, 1);
        }
    }
}
