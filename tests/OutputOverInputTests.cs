using Workbook.Tests.Infrastructure;

namespace Workbook.Tests;

/// <summary>No verb writes over one of its own inputs: a clear error, exit code 2, every file left as it was.</summary>
public sealed class OutputOverInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("over-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Copy(string source, string name)
    {
        var path = Path.Combine(_dir, name);
        File.Copy(source, path);
        return path;
    }

    /// <summary>Runs the verb, expects the refusal naming <paramref name="expected"/>, and checks no file in the folder changed or appeared.</summary>
    private void Refused(string[] args, string expected)
    {
        var before = Directory.GetFiles(_dir).ToDictionary(f => f, File.ReadAllBytes);
        var r = CliProcess.Run(args);
        CliProcess.AssertUserError(r, expected);
        Assert.Contains("Nothing was written", r.Stderr);
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(_dir).Order());
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    private string Scoring() => Copy(WorkbookPaths.Data("ranking", "product_scoring.csv"), "scores.csv");

    [Fact]
    public void Rank_output_equal_to_input() => Refused(["rank", "--input", Scoring(), "--output", Path.Combine(_dir, "scores.csv")], "the --output");

    [Fact]
    public void Rank_output_through_a_symbolic_link_to_the_input()
    {
        var input = Scoring();
        File.CreateSymbolicLink(Path.Combine(_dir, "link.csv"), input);
        Refused(["rank", "--input", input, "--output", Path.Combine(_dir, "link.csv")], "is the --input");
    }

    [Fact]
    public void Rank_rejects_file_named_like_the_input()
    {
        // --output out.csv writes its rejects to out.rejects.csv: here that is the input.
        var input = Copy(WorkbookPaths.Data("ranking", "product_scoring.csv"), "out.rejects.csv");
        Refused(["rank", "--input", input, "--output", Path.Combine(_dir, "out.csv")], "the rejects file");
    }

    [Fact]
    public void Rank_provenance_named_like_the_input()
    {
        var input = Copy(WorkbookPaths.Data("ranking", "product_scoring.csv"), "out.csv.provenance.json");
        Refused(["rank", "--input", input, "--output", Path.Combine(_dir, "out.csv")], "the provenance file");
    }

    [Fact]
    public void Classify_train_model_equal_to_data()
    {
        var folder = WorkbookPaths.Data("products", "flipkart-1050");
        var data = Copy(Path.Combine(folder, "data.csv"), "data.csv");
        Copy(Path.Combine(folder, "label_info.csv"), "label_info.csv");
        Refused(["classify", "train", "--data", Path.GetDirectoryName(data)!, "--model", data], "is the --data");
    }

    [Fact]
    public void Classify_predict_output_equal_to_input_or_model()
    {
        var input = Path.Combine(_dir, "new.csv");
        File.WriteAllText(input, "id,name\np1,towel\n");
        var model = Path.Combine(_dir, "m.model");
        File.WriteAllText(model, "not read: the refusal comes first");
        Refused(["classify", "predict", "--model", model, "--input", input, "--output", input], "is the --input");
        Refused(["classify", "predict", "--model", model, "--input", input, "--output", model], "is the --model");
    }
}
