using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Workbook.Make;
using Workbook.Notebooks;
using Workbook.Reports;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// The kernel check: every notebook runs through the real .NET Interactive C# kernel (what VS Code's Polyglot
/// Notebooks runs: a <see cref="CSharpKernel"/> in a <see cref="CompositeKernel"/>, cells from .NET Interactive's own
/// .dib parser, the notebook's folder as working directory) and through the workbook's runner, and every cell must
/// show the same thing in both. What differs by design is named in <see cref="KernelOutput.Difference"/> and tested
/// on its own below; anything else fails with both sides printed.
/// </summary>
[Collection(NotebookRuns.Name)]
public partial class KernelCheckTests(KernelCheckData data, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<KernelCheckData>
{
    [KernelCheckFact("00-workbook-tour")] public Task Notebook_00_shows_the_same_in_the_kernel() => Check("00-workbook-tour");
    [KernelCheckFact("01-product-data")] public Task Notebook_01_shows_the_same_in_the_kernel() => Check("01-product-data");
    [KernelCheckFact("02-product-classifier")] public Task Notebook_02_shows_the_same_in_the_kernel() => Check("02-product-classifier");
    [KernelCheckFact("03-product-ranking")] public Task Notebook_03_shows_the_same_in_the_kernel() => Check("03-product-ranking");
    [KernelCheckFact("04-search-log-cleaning")] public Task Notebook_04_shows_the_same_in_the_kernel() => Check("04-search-log-cleaning");
    [KernelCheckFact("05-query-enrichment")] public Task Notebook_05_shows_the_same_in_the_kernel() => Check("05-query-enrichment");
    [KernelCheckFact("06-automl-experiments")] public Task Notebook_06_shows_the_same_in_the_kernel() => Check("06-automl-experiments");

    [Fact]
    public void Every_notebook_has_a_kernel_check() =>
        Assert.Equal(KernelCheckData.AllNotebooks().Order(StringComparer.Ordinal),
            typeof(KernelCheckTests).GetMethods().SelectMany(m => m.GetCustomAttributes(typeof(KernelCheckFactAttribute), false))
                .Cast<KernelCheckFactAttribute>().Select(a => a.Notebook).Order(StringComparer.Ordinal));

    private async Task Check(string name)
    {
        Assert.True(data.MadeOk, data.MakeOutput);
        var path = KernelCheckData.NotebookPath(name);
        var clock = Stopwatch.StartNew();
        var runner = await new NotebookRunner().RunAsync(path);
        var runnerTime = clock.Elapsed;
        clock.Restart();
        var kernel = await KernelRun.RunAsync(path);
        var kernelTime = clock.Elapsed;

        var code = runner.Cells.Where(c => c.Cell.Kind == CellKind.CSharp).ToList();
        Assert.Equal(code.Count, kernel.Count);
        var report = new StringBuilder();
        var differences = new List<string>();
        for (var i = 0; i < code.Count; i++)
        {
            var mine = KernelOutput.FromRunner(code[i]);
            var theirs = kernel[i];
            report.AppendLine($"cell {code[i].Cell.Number}: runner [{string.Join(", ", mine.Select(o => o.Kind))}], kernel [{string.Join(", ", theirs.Select(o => o.Difference ?? o.Kind.ToString()))}]");
            if (!KernelOutput.Same(mine, theirs, out var why))
                differences.Add($"{name}, cell {code[i].Cell.Number} (.dib line {code[i].Cell.DibLine(1)}): {why}");
        }
        log.WriteLine($"{name}: runner {runnerTime.TotalSeconds:0.0} s, kernel {kernelTime.TotalSeconds:0.0} s\n{report}");
        // Something was compared: every code cell that shows anything in the runner showed it in the kernel too.
        Assert.Contains(code, c => c.Outputs.Count > 0);
        Assert.DoesNotContain(code, c => c.Status == CellStatus.Failed);
        Assert.True(differences.Count == 0,
            $"{name}: runner {runnerTime.TotalSeconds:0.0} s, kernel {kernelTime.TotalSeconds:0.0} s\n" + string.Join("\n\n", differences));
    }

    [Fact]
    public async Task Figures_tables_Plotly_NET_charts_and_frames_show_the_same_html_in_both()
    {
        var bin = Path.GetDirectoryName(TempNotebook.LibraryReference.Split('"')[1])!;
        using var nb = TempNotebook.Of(
            $"{{LIB}}\n#r \"{Path.Combine(bin, "Plotly.NET.dll")}\"\n#r \"{Path.Combine(bin, "Plotly.NET.CSharp.dll")}\"\n#r \"{Path.Combine(bin, "Microsoft.Data.Analysis.dll")}\"\nusing Workbook.Reports;\nusing Microsoft.Data.Analysis;",
            "Chart.Bar([\"a\", \"é\"], [1.0, 2.0], \"Two bars\")",
            "display(Table.FromRows([\"k\", \"v\"], [[\"<é>\", 1.5]]));\nConsole.WriteLine(\"between\");\nTable.From(new[] { 1, 2 })",
            "Plotly.NET.CSharp.Chart.Point<double, double, string>(x: [1, 2], y: [3, 4])",
            "new DataFrame(new StringDataFrameColumn(\"id\", [\"6288767857890040299\"]), new DoubleDataFrameColumn(\"x\", [1.5]))");
        var runner = (await new NotebookRunner().RunAsync(nb.Path)).Cells.ToList();
        Assert.DoesNotContain(runner, c => c.Status == CellStatus.Failed);
        var kernel = await KernelRun.RunAsync(nb.Path);
        for (var i = 0; i < runner.Count; i++)
        {
            var mine = KernelOutput.FromRunner(runner[i]);
            Assert.True(KernelOutput.Same(mine, kernel[i], out var why), why);
            Assert.All(mine.Concat(kernel[i]), o => Assert.Null(o.Difference));
        }
        // Not Plotly.NET's placeholder ("LOL!") nor its CDN loader: the workbook's figure, in the kernel too.
        Assert.Contains("Plotly.newPlot", kernel[3].Single().Text);
        Assert.Contains("<th>id</th>", kernel[4].Single().Text);
        Assert.Contains("6288767857890040299", kernel[4].Single().Text);
    }

    [Fact]
    public void The_library_registers_its_formatters_with_the_kernel_s_formatter()
    {
        // In VS Code the kernel's formatting assembly is loaded before the library; here either may come first, so
        // register explicitly (what the library's module initializer does) and format as the kernel would.
        Assert.True(InteractiveFormatters.TryRegister(typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly));
        var frame = new Microsoft.Data.Analysis.DataFrame(new Microsoft.Data.Analysis.StringDataFrameColumn("id", ["6288767857890040299"]));
        var html = Microsoft.DotNet.Interactive.Formatting.Formatter.ToDisplayString(frame, "text/html");
        Assert.Equal(KernelOutput.Normalize(HtmlFormatter.ToHtml(frame)), KernelOutput.Normalize(html));
        var chart = Plotly.NET.CSharp.Chart.Point<double, double, string>(x: [1.0], y: [2.0]);
        Assert.Contains("Plotly.newPlot", Microsoft.DotNet.Interactive.Formatting.Formatter.ToDisplayString(chart, "text/html"));
    }

    [Fact]
    public async Task The_named_differences_are_what_they_say()
    {
        using var nb = TempNotebook.Of(
            "{LIB}\nusing Workbook.Reports;",
            // Text: the runner's <pre> and the kernel's text/plain carry the same text.
            "\"<b>x</b> & y\"",
            // A sequence: a workbook Table in the runner, .NET Interactive's own table in the kernel.
            "new[] { new { A = 1, B = \"b\" } }.ToList()",
            // Any other object: its ToString() in the runner, .NET Interactive's property table in the kernel.
            "record Point(int X);\nnew Point(1)",
            // A number: rounded like a table cell by the runner, ToString() by the kernel.
            "1234.56789",
            // A failing cell fails in both, with each engine's own message.
            "throw new InvalidOperationException(\"boom\");");
        var runner = (await new NotebookRunner().RunAsync(nb.Path)).Cells.ToList();
        var kernel = await KernelRun.RunAsync(nb.Path);
        var mine = runner.Select(KernelOutput.FromRunner).ToList();
        Assert.Equal(runner.Count, kernel.Count);
        for (var i = 0; i < runner.Count; i++) Assert.True(KernelOutput.Same(mine[i], kernel[i], out var why), why);

        Assert.Equal("<b>x</b> & y", mine[1].Single().Text);
        Assert.Equal(mine[1].Single().Text, kernel[1].Single().Text);
        Assert.Equal(KernelOutput.SequenceTable, kernel[2].Single().Difference);
        Assert.StartsWith("<div class=\"wb-table\">", mine[2].Single().Text);
        Assert.Equal(KernelOutput.ObjectText, kernel[3].Single().Difference);
        Assert.Equal("Point { X = 1 }", mine[3].Single().Text);
        Assert.Equal(KernelOutput.NumberText, kernel[4].Single().Difference);
        Assert.Equal("1,234.5679", mine[4].Single().Text);
        Assert.Equal("1234.56789", kernel[4].Single().Text);
        Assert.Equal(KernelOutput.ErrorMessage, mine[5].Single().Difference);
        Assert.Equal(KernelOutput.ErrorMessage, kernel[5].Single().Difference);
        Assert.Contains("boom", kernel[5].Single().Text);
    }
}

/// <summary>
/// A kernel check test that is skipped, with the reason, when the notebook reads derived data that is not built and
/// too slow to build inside the test run (the ranking studies, the classifier studies and the AutoML demos: 5 to 30
/// minutes on two shared cores); after <c>dotnet run -- make</c> it runs, and <c>WORKBOOK_KERNEL_CHECK_MAKE=all</c>
/// makes the test build them itself. The search-log and enrichment data (seconds) are made by <see cref="KernelCheckData"/>.
/// </summary>
public sealed class KernelCheckFactAttribute : FactAttribute
{
    public string Notebook { get; }

    public KernelCheckFactAttribute(string notebook)
    {
        Notebook = notebook;
        var missing = KernelCheckData.MissingSlowData(notebook);
        if (missing.Count > 0)
            Skip = $"{notebook} reads derived data that is not built ({string.Join(", ", missing)}) and takes too long to build here; run `dotnet run -- make` first";
    }
}

/// <summary>Builds, once per test run, the derived data that the notebooks read and that is quick to build.</summary>
public sealed class KernelCheckData
{
    /// <summary>Targets too slow for a test run: their notebooks are checked only when make has built them.</summary>
    private static readonly string[] SlowTargetPrefixes = ["ranking-", "classifier-study-", "automl-"];

    /// <summary>WORKBOOK_KERNEL_CHECK_MAKE=all: the fixture makes every target the notebooks read, and nothing is skipped.</summary>
    private static bool MakeAll => Environment.GetEnvironmentVariable("WORKBOOK_KERNEL_CHECK_MAKE") == "all";

    public bool MadeOk { get; }
    public string MakeOutput { get; } = "";

    public KernelCheckData()
    {
        var targets = AllNotebooks().SelectMany(n => TargetsOf(n)).Where(t => !IsSlow(t)).Distinct().ToList();
        if (targets.Count == 0) { MadeOk = true; return; }
        var r = CliProcess.Run(["make", .. targets], timeout: TimeSpan.FromMinutes(MakeAll ? 60 : 5));
        MadeOk = r.ExitCode == 0;
        MakeOutput = $"make {string.Join(" ", targets)}: exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}";
    }

    public static string NotebookPath(string name) =>
        Path.Combine(WorkbookPaths.Root(AppContext.BaseDirectory), "notebooks", name + ".dib");

    public static IEnumerable<string> AllNotebooks() =>
        Directory.EnumerateFiles(Path.Combine(WorkbookPaths.Root(AppContext.BaseDirectory), "notebooks"), "*.dib")
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    private static bool IsSlow(string target) => !MakeAll && SlowTargetPrefixes.Any(p => target.StartsWith(p, StringComparison.Ordinal));

    private static IReadOnlyList<string> TargetsOf(string notebook)
    {
        var root = WorkbookPaths.Root(AppContext.BaseDirectory);
        var engine = new MakeEngine(root, WorkbookTargets.All, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var code = string.Join("\n", DibParser.Load(NotebookPath(notebook)).Cells.Where(c => c.Kind == CellKind.CSharp).SelectMany(c => c.Lines));
        return NotebookDependencies.TargetsFor(engine, NotebookDependencies.DerivedPaths(code)).Targets;
    }

    /// <summary>The outputs of the slow targets <paramref name="notebook"/> reads that do not exist yet.</summary>
    public static IReadOnlyList<string> MissingSlowData(string notebook)
    {
        var root = WorkbookPaths.Root(AppContext.BaseDirectory);
        var engine = new MakeEngine(root, WorkbookTargets.All, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return TargetsOf(notebook).Where(IsSlow)
            .Where(t => engine.Manifest[t] is not { } entry || entry.Outputs.Keys.Any(o => !File.Exists(Path.Combine(root, o)) && !Directory.Exists(Path.Combine(root, o))))
            .ToList();
    }
}

/// <summary>One thing a cell showed, as comparable text, and the named difference it falls under, if any.</summary>
public sealed partial record KernelOutput(OutputKind Kind, string Text, string? Difference, bool IsHtml = false)
{
    /// <summary>A sequence: the runner shows a workbook <see cref="Table"/> of its first 20 items, .NET Interactive its own HTML table.</summary>
    public const string SequenceTable = "sequence shown as a table by each engine's own formatter";

    /// <summary>Any other object: the runner shows its ToString(), .NET Interactive a table of its properties.</summary>
    public const string ObjectText = "object shown as ToString() by the runner, as a property table by the kernel";

    /// <summary>A failing cell: each engine words the error its own way (the runner names notebook, cell and .dib line).</summary>
    public const string ErrorMessage = "failure worded by each engine";

    /// <summary>A number: the runner writes it as report tables do (invariant, 4 decimals, thousands separators), the kernel with ToString().</summary>
    public const string NumberText = "number formatted by each engine's own rules";

    public static IReadOnlyList<KernelOutput> FromRunner(CellRun cell)
    {
        var outputs = new List<KernelOutput>();
        foreach (var o in cell.Outputs)
        {
            var html = o.Html;
            if (o.Kind == OutputKind.Console)
                outputs.Add(new(OutputKind.Console, PreText(html)!, null));
            else if (o.Kind == OutputKind.Error)
                outputs.Add(new(OutputKind.Error, WebUtility.HtmlDecode(html), ErrorMessage));
            else if (PreText(html) is { } text)
                outputs.Add(new(OutputKind.Display, text, null));
            else
                outputs.Add(new(OutputKind.Display, Normalize(html), null, IsHtml: true));
        }
        return Merge(outputs);
    }

    /// <summary>What the kernel showed; the named differences are decided here, where the value's type is known.</summary>
    public static IReadOnlyList<KernelOutput> FromKernel(IEnumerable<KernelEvent> events)
    {
        var outputs = new List<KernelOutput>();
        foreach (var e in events)
        {
            switch (e)
            {
                case StandardOutputValueProduced or StandardErrorValueProduced:
                    outputs.Add(new(OutputKind.Console, Plain((DisplayEvent)e) ?? "", null));
                    break;
                case DisplayEvent d when d is DisplayedValueProduced or ReturnValueProduced:
                    var html = d.FormattedValues.FirstOrDefault(f => f.MimeType == "text/html")?.Value;
                    var plain = Plain(d) is { Length: > 0 } p ? p : TextOf(html ?? "");
                    outputs.Add(d.Value switch
                    {
                        Microsoft.AspNetCore.Html.IHtmlContent or Plotly.NET.GenericChart or Microsoft.Data.Analysis.DataFrame when html is not null =>
                            new(OutputKind.Display, Normalize(html), null, IsHtml: true),
                        string or bool or char or null => new(OutputKind.Display, plain, null),
                        double or float or decimal or int or long or short or byte or uint or ulong or ushort or sbyte =>
                            new(OutputKind.Display, plain, NumberText),
                        IFormattable => new(OutputKind.Display, plain, null),
                        System.Collections.IEnumerable => new(OutputKind.Display, Normalize(html ?? plain), SequenceTable, IsHtml: true),
                        _ => new(OutputKind.Display, Normalize(html ?? plain), ObjectText, IsHtml: true),
                    });
                    break;
                case CommandFailed f:
                    outputs.Add(new(OutputKind.Error, f.Message, ErrorMessage));
                    break;
            }
        }
        return Merge(outputs);
    }

    /// <summary>
    /// Equal, output by output: the same kind; text equal unless both sides fall under the same named difference.
    /// </summary>
    public static bool Same(IReadOnlyList<KernelOutput> runner, IReadOnlyList<KernelOutput> kernel, out string why)
    {
        why = "";
        if (runner.Count != kernel.Count || !runner.Zip(kernel).All(p => p.First.Kind == p.Second.Kind))
        {
            why = $"runner showed [{string.Join(", ", runner.Select(o => o.Kind))}], kernel [{string.Join(", ", kernel.Select(o => o.Kind))}]\n" + Both(runner, kernel);
            return false;
        }
        for (var i = 0; i < runner.Count; i++)
        {
            var (a, b) = (runner[i], kernel[i]);
            var fits = b.Difference switch
            {
                null => (bool?)null,
                ErrorMessage => a.Difference == ErrorMessage,
                // The runner's Table of the sequence against the kernel's own table.
                SequenceTable => a.IsHtml && a.Text.StartsWith("<div class=\"wb-table\">", StringComparison.Ordinal),
                // The runner's ToString() text against the kernel's property table.
                ObjectText => !a.IsHtml,
                // Both the same number: the kernel's text parses to the value the runner rounded.
                NumberText => !a.IsHtml && double.TryParse(b.Text, System.Globalization.CultureInfo.InvariantCulture, out var k)
                    && double.TryParse(a.Text.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture, out var r)
                    && Math.Abs(k - r) <= 0.5e-4 * Math.Max(1, Math.Abs(k)),
                _ => false,
            };
            if (fits is { } ok)
            {
                if (ok) continue;
                why = $"output {i + 1}: the kernel's '{b.Difference}' does not fit what the runner showed\n" + Both([a], [b]);
                return false;
            }
            if (a.Text != b.Text)
            {
                why = $"output {i + 1} ({a.Kind}) differs\n" + Both([a], [b]);
                return false;
            }
        }
        return true;
    }

    private static string Both(IEnumerable<KernelOutput> runner, IEnumerable<KernelOutput> kernel) =>
        $"  runner: {string.Join("\n  | ", runner.Select(o => Cut(o.Text)))}\n  kernel: {string.Join("\n  | ", kernel.Select(o => Cut(o.Text)))}";

    private static string Cut(string s) => s.Length <= 600 ? s : s[..600] + $"... ({s.Length} chars)";

    /// <summary>The text of the kernel's HTML for a simple value: its &lt;pre&gt;, without the style sheet that follows.</summary>
    private static string TextOf(string html)
    {
        var pre = KernelPre().Match(html);
        return WebUtility.HtmlDecode(pre.Success ? pre.Groups[1].Value : Tags().Replace(StyleElement().Replace(html, ""), "")).Trim();
    }

    [GeneratedRegex(@"<pre>(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex KernelPre();

    [GeneratedRegex(@"<style>.*?</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();

    private static string? Plain(DisplayEvent d) => d.FormattedValues.FirstOrDefault(f => f.MimeType == "text/plain")?.Value;

    private static string? PreText(string html)
    {
        var m = PreElement().Match(html);
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    /// <summary>Console text written in pieces is one output; so is the runner's one block between displays.</summary>
    private static IReadOnlyList<KernelOutput> Merge(List<KernelOutput> outputs)
    {
        var merged = new List<KernelOutput>();
        foreach (var o in outputs)
        {
            if (o.Kind == OutputKind.Console && merged.Count > 0 && merged[^1].Kind == OutputKind.Console)
                merged[^1] = merged[^1] with { Text = merged[^1].Text + o.Text };
            else
                merged.Add(o);
        }
        return merged.Where(o => o.Kind != OutputKind.Console || o.Text.Length > 0).ToList();
    }

    /// <summary>
    /// HTML as both engines write it, made comparable: plotly.js's bundle removed (the runner's page loads it once),
    /// figure ids (a per-process counter) replaced, entities decoded (the runner's encoder keeps non-ASCII letters,
    /// the kernel's HtmlEncoder.Default writes them as &amp;#x..;).
    /// </summary>
    public static string Normalize(string html) =>
        WebUtility.HtmlDecode(FigureId().Replace(PlotlyJs.WithoutBundle(html), "wb-fig-ID"));

    [GeneratedRegex(@"^<pre class=""wb-text"">(.*)</pre>$", RegexOptions.Singleline)]
    private static partial Regex PreElement();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"wb-fig-[0-9a-f]+-\d+")]
    private static partial Regex FigureId();
}

/// <summary>A notebook run through .NET Interactive's C# kernel, as VS Code runs it.</summary>
public static class KernelRun
{
    public static async Task<IReadOnlyList<IReadOnlyList<KernelOutput>>> RunAsync(string path)
    {
        var full = Path.GetFullPath(path);
        // The kernels VS Code offers a .dib without a #!meta header (the workbook's notebooks name the same two).
        var kernels = new KernelInfoCollection
        {
            new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#", "C#", "cs"]),
            new Microsoft.DotNet.Interactive.Documents.KernelInfo("markdown", "Markdown", ["md"]),
        };
        kernels.DefaultKernelName = "csharp";
        var document = CodeSubmission.Parse(await File.ReadAllTextAsync(full), kernels);
        var cells = document.Elements.Where(e => e.KernelName is "csharp" or "C#").ToList();
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.GetDirectoryName(full)!);
        try
        {
            using var kernel = new CompositeKernel { new CSharpKernel().UseKernelHelpers().UseValueSharing() };
            kernel.DefaultKernelName = "csharp";
            var results = new List<IReadOnlyList<KernelOutput>>();
            var failed = false;
            foreach (var cell in cells)
            {
                if (failed) { results.Add([]); continue; } // the runner skips the cells after a failure
                var result = await kernel.SendAsync(new SubmitCode(cell.Contents, "csharp"));
                var outputs = KernelOutput.FromKernel(result.Events);
                failed = outputs.Any(o => o.Kind == OutputKind.Error);
                results.Add(outputs);
            }
            return results;
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }
}
