using System.Text;
using Workbook.SearchLogs;
using Workbook.Tests.Infrastructure;
using Workbook.Tests.Products;
using Xunit.Abstractions;

namespace Workbook.Tests.Fuzz;

/// <summary>
/// The same hostile inputs through real CLI processes, as a user meets them (WORKBOOK_FUZZ_CLI_CASES per verb, each a
/// process start). Invariants: exit code 0, or 2 with a message; never a stack trace.
/// </summary>
public class CliFuzzTests(ITestOutputHelper output)
{
    private static string Check(CliProcess.Result r)
    {
        if (r.Stderr.Contains("   at ") || r.Stdout.Contains("   at ")) throw new FuzzViolation($"a stack trace reached the user: {r.Stderr}");
        if (r.ExitCode == 0) return "exit 0";
        if (r.ExitCode != 2) throw new FuzzViolation($"exit code {r.ExitCode}: {r.Stdout} {r.Stderr}");
        if ((r.Stderr + r.Stdout).Trim().Length == 0) throw new FuzzViolation("exit code 2 without a message");
        return "exit 2 with a message";
    }

    [Fact]
    public void Fuzz_every_verb_family_through_the_cli()
    {
        var model = Path.Combine(Directory.CreateTempSubdirectory("fuzz-cli-model-").FullName, "small.model");
        File.WriteAllBytes(model, ModelFileBytes.Small);
        try
        {
            new FuzzCampaign("cli", output).Run(FuzzCampaign.CliCases * 5, c => (c.Number % 5) switch
            {
                0 => Pipeline(c),
                1 => Check(CliProcess.Run(["rank", "--input", c.Write("p.csv", c.Mutate(RankFuzzTests.Sample(c.Rng), "products.csv")),
                    "--output", Path.Combine(c.Folder, "scores.csv")])),
                2 => Check(CliProcess.Run(["classify", "predict", "--model", model,
                    "--input", c.Write("data.csv", c.Mutate(ProductCsvFuzzTests.DataSample(c.Rng), "data.csv")), "--output", Path.Combine(c.Folder, "out.csv")])),
                3 => Check(CliProcess.Run(["classify", "predict", "--model", c.Write("m.model", c.Mutate(File.ReadAllBytes(model), "model")),
                    "--input", c.Write("data.csv", ProductCsvFuzzTests.DataSample(c.Rng)), "--output", Path.Combine(c.Folder, "out.csv")])),
                _ => Check(CliProcess.Run(["enrich", "--batch", c.Write("q.txt", c.Mutate(Encoding.UTF8.GetBytes("documentery\nmusic video\n"), "queries")),
                    "--db", c.Write("not.db", c.Mutate(Encoding.UTF8.GetBytes("SQLite format 3\0"), "db"))])),
            });
        }
        finally { Directory.Delete(Path.GetDirectoryName(model)!, recursive: true); }
    }

    private static string Pipeline(FuzzCase c)
    {
        var (requests, clicks) = PipelineFuzzTests.Sample(c.Rng);
        c.Write(RawLogSource.Requests.FileName, c.Mutate(requests, "requests"));
        c.Write(RawLogSource.Clicks.FileName, c.Mutate(clicks, "clicks"));
        return Check(CliProcess.Run(["pipeline", "run", "--quiet", "--input", c.Folder, "--db", Path.Combine(c.Folder, "fuzz.db")]));
    }
}
