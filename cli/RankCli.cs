using System.CommandLine;
using Workbook.Products.Ranking;

namespace Workbook.Cli;

/// <summary>`rank`: score and rank a product_scoring file; `bench rank`: the same on 10 million generated products.</summary>
public sealed class RankCli : ICliModule
{
    public IEnumerable<Command> Commands()
    {
        var input = DataArguments.Input("product_scoring.csv (product_id,category_id,cpc,clicks,views)");
        var output = new Option<string>("--output") { Description = "scores CSV to write (rejects go to <output>.rejects.csv, provenance to <output>.provenance.json)", Required = true };
        var score = new Option<ScoreKind>("--score") { Description = "mean (expected revenue per impression, default) | lower (conservative) | upper (UCB) | thompson (exploration)", DefaultValueFactory = _ => ScoreKind.Mean };
        var seed = new Option<int>("--seed") { Description = "seed of Thompson draws and of the fit sample", DefaultValueFactory = _ => 42 };
        var prior = new Option<PriorFamily>("--prior") { Description = "zeroinflatedbeta (duds at CTR 0 plus one Beta; default, best offline) | hotmixture (duds, an ordinary and a hot Beta) | beta (one Beta per impressions band)", DefaultValueFactory = _ => PriorFamily.ZeroInflatedBeta };
        var pooling = new Option<bool>("--category-pooling") { Description = "scale each category's CTR by a Gamma-pooled multiplier (off by default: it lowered the offline metrics)" };
        var rank = new Command("rank", "Score every product by CTR x CPC with an empirical-Bayes CTR (a zero-inflated prior fitted by maximum likelihood per impressions band) and rank them; rows are written best first.");
        rank.Options.Add(input);
        rank.Options.Add(output);
        rank.Options.Add(score);
        rank.Options.Add(seed);
        rank.Options.Add(prior);
        rank.Options.Add(pooling);
        rank.SetAction(parse =>
        {
            var options = new RankerOptions
            {
                Score = parse.GetValue(score), Seed = parse.GetValue(seed), Prior = parse.GetValue(prior), CategoryPooling = parse.GetValue(pooling),
            };
            var s = StreamingRanker.Run(parse.GetValue(input)!, parse.GetValue(output)!, options);
            Console.WriteLine($"ranked {s.Scored:N0} products ({s.Rejected:N0} rejected" +
                              (s.Duplicates > 0 ? $", of which {s.Duplicates:N0} repeated a product_id: first copy kept" : "") + $") -> {s.Output}");
            Console.WriteLine($"rejects: {s.RejectsFile}");
            Console.WriteLine($"provenance: {s.ProvenanceFile}");
            return 0;
        });
        yield return rank;
    }

    public IEnumerable<Command> Benchmarks()
    {
        var rows = new Option<long>("--rows") { Description = "generated products", DefaultValueFactory = _ => 10_000_000 };
        var bench = new Command("rank", "Rank generated products of the real file's shape; compare with a plain read/write pass of the same file.");
        bench.Options.Add(rows);
        bench.SetAction(parse => RankBenchmark.Run(WorkbookPaths.Data("ranking", "product_scoring.csv"), parse.GetValue(rows), Console.Out));
        yield return bench;
    }
}
