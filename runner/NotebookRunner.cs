using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Workbook.Reports;

namespace Workbook.Notebooks;

/// <summary>
/// Runs a .dib notebook's C# cells in one continuing Roslyn script state (usings, variables, types and top-level
/// await carry over from cell to cell, as in Polyglot Notebooks) and captures each cell's outputs. The first failing
/// cell stops the run; its error names the notebook, the cell and the .dib line, and later cells are marked skipped.
/// </summary>
public sealed partial class NotebookRunner
{
    /// <summary>The usings Polyglot's C# kernel starts with, so a notebook compiles the same in both.</summary>
    public static readonly IReadOnlyList<string> DefaultUsings =
        ["System", "System.Collections", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks"];

    /// <summary>Raised before a cell runs (markdown cells included).</summary>
    public event Action<NotebookCell>? CellStarted;

    /// <summary>Raised after a cell ran (or was skipped).</summary>
    public event Action<CellRun>? CellFinished;

    /// <summary>
    /// Parses and runs the notebook at <paramref name="path"/>, recording the data files it reads. Cells run with the
    /// current directory set to the notebook's folder, as in VS Code's kernel, so a cell reads
    /// <c>"../data/derived/..."</c> the same way in both; the previous directory is restored afterwards. Runs of
    /// notebooks in one folder may overlap; a run in another folder waits for them (<see cref="WorkingFolder"/>).
    /// </summary>
    public async Task<NotebookRun> RunAsync(string path, CancellationToken cancellationToken = default)
    {
        var shown = DisplayPath(path);
        var full = Path.GetFullPath(path);
        using var folder = await WorkingFolder.EnterAsync(Path.GetDirectoryName(full)!, cancellationToken);
        return await RunInFolderAsync(full, shown, cancellationToken);
    }

    private async Task<NotebookRun> RunInFolderAsync(string path, string shown, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var lineage = DataLineageCollector.Begin();
        Notebook notebook;
        try
        {
            notebook = DibParser.Load(path) with { Path = shown };
            CheckLibraryReference(notebook);
        }
        catch (NotebookFormatException e)
        {
            var error = new CellError(shown, e.Cell, e.Line, $"{shown}: cell {e.Cell}, line {e.Line}: {e.Problem}", "");
            return new NotebookRun(new Notebook(shown, [], null), [], started, clock.Elapsed, Provenance.Capture([]), error);
        }

        var session = new Session(notebook, Path.GetDirectoryName(Path.GetFullPath(path))!);
        var results = new List<CellRun>(notebook.Cells.Count);
        CellRun? failed = null;
        foreach (var cell in notebook.Cells)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CellStarted?.Invoke(cell);
            var result = cell.Kind == CellKind.Markdown
                ? new CellRun(cell, CellStatus.Markdown, [], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, null)
                : failed != null
                    ? new CellRun(cell, CellStatus.Skipped, [], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, null)
                    : await session.RunAsync(cell, cancellationToken);
            if (result.Status == CellStatus.Failed) failed ??= result;
            results.Add(result);
            CellFinished?.Invoke(result);
        }
        return new NotebookRun(notebook, results, started, clock.Elapsed, Provenance.Capture(lineage.Files));
    }

    /// <summary>
    /// Compiles the notebook's C# cells, each continuing the script of the cells before it as a run would, without
    /// running any (so it is fast and has no side effects): the first cell that does not compile, with its errors naming
    /// the notebook, cell and .dib line; empty when all compile.
    /// </summary>
    public static IReadOnlyList<CellError> Compile(string path, CancellationToken cancellationToken = default)
    {
        var shown = DisplayPath(path);
        Notebook notebook;
        try
        {
            notebook = DibParser.Load(path) with { Path = shown };
            CheckLibraryReference(notebook);
        }
        catch (NotebookFormatException e)
        {
            return [new CellError(shown, e.Cell, e.Line, $"{shown}: cell {e.Cell}, line {e.Line}: {e.Problem}", "")];
        }
        var session = new Session(notebook, Path.GetDirectoryName(Path.GetFullPath(path))!);
        foreach (var cell in notebook.Cells.Where(c => c.Kind == CellKind.CSharp))
            if (session.CompileOnly(cell, cancellationToken) is { } error) return [error];
        return [];
    }

    /// <summary>A notebook path as the user will recognise it: relative to the current directory when below it.</summary>
    internal static string DisplayPath(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    // The host always references the library (it declares the globals), so a notebook that forgot the #r line would
    // run here but not in VS Code; refuse it here instead.
    internal static void CheckLibraryReference(Notebook notebook)
    {
        var code = notebook.Cells.Where(c => c.Kind == CellKind.CSharp).ToList();
        if (code.Any(c => c.Lines.Any(l => LibraryReference().IsMatch(l)))) return;
        foreach (var cell in code)
        {
            var lines = cell.Lines;
            for (var i = 0; i < lines.Length; i++)
                if (UsesLibrary().IsMatch(lines[i]))
                    throw new NotebookFormatException(notebook.Path, cell.Number, cell.DibLine(i + 1),
                        "this cell uses the Workbook library but no cell references it; start the first C# cell with " +
                        "#r \"../lib/bin/Workbook.Lib.dll\" (VS Code needs it too).");
        }
    }

    /// <summary>One notebook's script state, cell after cell.</summary>
    internal sealed class Session(Notebook notebook, string directory)
    {
        private readonly NotebookGlobals _globals = new();
        private HashSet<string> _referenced = new(StringComparer.Ordinal);
        private ScriptState<object>? _state;
        private Script<object>? _compiled; // compile-only mode: the script so far, never run

        /// <summary>The notebook as it is now (a live session follows its edits; error messages name its cells).</summary>
        public Notebook Notebook { get => notebook; set => notebook = value; }

        /// <summary>The script state after the last cell that succeeded, with the references it compiled against.</summary>
        public Checkpoint Save() => new(_state, _referenced.ToArray());

        /// <summary>Continues from <paramref name="checkpoint"/> (a state kept earlier in this session), as if the cells after it never ran.</summary>
        public void Restore(Checkpoint checkpoint)
        {
            _state = checkpoint.State;
            _referenced = new HashSet<string>(checkpoint.References, StringComparer.Ordinal);
        }

        public CellError? CompileOnly(NotebookCell cell, CancellationToken cancellationToken)
        {
            try
            {
                var (code, references) = PrepareSource(cell);
                var options = Options(cell, references);
                var script = _compiled == null
                    ? CSharpScript.Create<object>(code, options, typeof(NotebookGlobals))
                    : _compiled.ContinueWith<object>(code, options);
                var errors = script.Compile(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                if (errors.Count > 0) return CompileError(cell, errors);
                _compiled = script;
                return null;
            }
            catch (NotebookFormatException e)
            {
                return new CellError(notebook.Path, e.Cell, e.Line, e.Message, "");
            }
        }

        public async Task<CellRun> RunAsync(NotebookCell cell, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var capture = new CellCapture();
            TimeSpan compile = TimeSpan.Zero, execute = TimeSpan.Zero;
            CellError? error = null;
            try
            {
                var (code, references) = PrepareSource(cell);
                var options = Options(cell, references);
                var script = _state == null
                    ? CSharpScript.Create<object>(code, options, typeof(NotebookGlobals))
                    : _state.Script.ContinueWith<object>(code, options);
                // Compile and emit now (one pass; Roslyn caches the result for the run), so Execute below is the cell's own time.
                var errors = Emit(script, cancellationToken);
                compile = Stopwatch.GetElapsedTime(start);
                if (errors.Count > 0)
                {
                    error = CompileError(cell, errors);
                }
                else
                {
                    _globals.Capture = capture;
                    var executeStart = Stopwatch.GetTimestamp();
                    ScriptState<object> state;
                    using (ConsoleRouter.Redirect(capture))
                    {
                        try
                        {
                            state = _state == null
                                ? await script.RunAsync(_globals, _ => true, cancellationToken)
                                : await script.RunFromAsync(_state, _ => true, cancellationToken);
                        }
                        finally
                        {
                            execute = Stopwatch.GetElapsedTime(executeStart);
                            _globals.Capture = null;
                        }
                    }
                    if (state.Exception != null)
                    {
                        error = RuntimeError(cell, state.Exception);
                    }
                    else
                    {
                        _state = state;
                        if (state.ReturnValue is { } value) capture.Add(OutputKind.Value, HtmlFormatter.ToHtml(value));
                    }
                }
            }
            catch (NotebookFormatException e)
            {
                error = new CellError(notebook.Path, e.Cell, e.Line, e.Message, "");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Formatting a value or emitting the assembly failed: still the cell's fault, reported in place.
                error = RuntimeError(cell, e);
            }
            if (error != null) capture.Add(OutputKind.Error, ErrorHtml(error));
            var outputs = capture.Finish();
            return new CellRun(cell, error == null ? CellStatus.Succeeded : CellStatus.Failed, outputs,
                Stopwatch.GetElapsedTime(start), compile, execute, error);
        }

        private static IReadOnlyList<Diagnostic> Emit(Script<object> script, CancellationToken cancellationToken)
        {
            try
            {
                script.CreateDelegate(cancellationToken);
                return [];
            }
            catch (CompilationErrorException e)
            {
                return e.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            }
        }

        private ScriptOptions Options(NotebookCell cell, IReadOnlyList<MetadataReference> added)
        {
            foreach (var r in added) _referenced.Add(((PortableExecutableReference)r).FilePath!);
            var references = ScriptReferences.Framework.Value.Concat(_referenced.Order(StringComparer.Ordinal).Select(ScriptReferences.For));
            return ScriptOptions.Default
                .WithReferences(references)
                .WithImports(DefaultUsings)
                .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory))
                .WithSourceResolver(new SourceFileResolver([], directory))
                .WithFilePath(CellFile(cell))
                .WithFileEncoding(Encoding.UTF8)
                .WithEmitDebugInformation(true) // line numbers in runtime errors
                .WithAllowUnsafe(true);
        }

        private string CellFile(NotebookCell cell) => Path.Combine(directory, $"{Path.GetFileName(notebook.Path)}.cell{cell.Number}.csx");

        /// <summary>
        /// Comments out <c>#r</c> lines naming an assembly the host already has (above all Workbook.Lib) and references the
        /// host's copy instead: loading lib/bin's copy too would give two distinct Figure types. Line numbers are kept.
        /// </summary>
        private (string Code, IReadOnlyList<MetadataReference> References) PrepareSource(NotebookCell cell)
        {
            var lines = cell.Lines;
            var references = new List<MetadataReference>();
            for (var i = 0; i < lines.Length; i++)
            {
                var m = FileReference().Match(lines[i]);
                if (!m.Success) continue;
                var full = Path.GetFullPath(Path.Combine(directory, m.Groups[1].Value));
                if (!File.Exists(full))
                    throw new NotebookFormatException(notebook.Path, cell.Number, cell.DibLine(i + 1),
                        $"#r names '{full}', which does not exist. Build the workbook first (dotnet build) so lib/bin/ has the library.");
                var host = ScriptReferences.Host(Path.GetFileNameWithoutExtension(full));
                if (host is not { IsDynamic: false, Location.Length: > 0 }) continue; // a dll of its own: Roslyn loads it
                references.AddRange(ScriptReferences.WithDependencies(host));
                lines[i] = "// " + lines[i];
            }
            return (string.Join('\n', lines), references);
        }

        private CellError CompileError(NotebookCell cell, IReadOnlyList<Diagnostic> errors)
        {
            string Describe(Diagnostic d)
            {
                var span = d.Location.GetLineSpan();
                var line = cell.DibLine(span.StartLinePosition.Line + 1);
                return $"{notebook.Path}: cell {cell.Number}, line {line}: error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            }
            var first = errors[0];
            var firstLine = cell.DibLine(first.Location.GetLineSpan().StartLinePosition.Line + 1);
            return new CellError(notebook.Path, cell.Number, firstLine, Describe(first),
                string.Join('\n', errors.Select(Describe)));
        }

        private CellError RuntimeError(NotebookCell cell, Exception exception)
        {
            while (exception is System.Reflection.TargetInvocationException { InnerException: { } inner }) exception = inner;
            int? line = null;
            foreach (var frame in new StackTrace(exception, true).GetFrames())
            {
                var m = CellFileName().Match(frame.GetFileName() ?? "");
                if (m.Success && int.Parse(m.Groups[1].Value) == cell.Number && frame.GetFileLineNumber() > 0)
                {
                    line = cell.DibLine(frame.GetFileLineNumber());
                    break;
                }
            }
            var where = line is { } l ? $"cell {cell.Number}, line {l}" : $"cell {cell.Number}";
            var message = $"{notebook.Path}: {where}: {exception.GetType().FullName}: {exception.Message}";
            // Stack frames in cells say "<notebook>.cell3.csx:line 2"; rewrite them to the .dib file's own lines,
            // and leave out the scripting engine's frames below the notebook's.
            var trace = exception.ToString();
            var engine = trace.IndexOf("   at Microsoft.CodeAnalysis.Scripting.", StringComparison.Ordinal);
            if (engine > 0) trace = trace[..engine].Replace("--- End of stack trace from previous location ---", "").TrimEnd();
            var detail = CellFrame().Replace(trace, m =>
            {
                var n = int.Parse(m.Groups[1].Value);
                var c = notebook.Cells.FirstOrDefault(x => x.Number == n);
                return c == null ? m.Value : $"{notebook.Path}:line {c.DibLine(int.Parse(m.Groups[2].Value))} (cell {n})";
            });
            return new CellError(notebook.Path, cell.Number, line, message, detail);
        }

        private static string ErrorHtml(CellError error) =>
            $"<div class=\"wb-error\"><strong>{System.Net.WebUtility.HtmlEncode(error.Message)}</strong>" +
            (error.Detail.Length > 0 && error.Detail != error.Message
                ? $"<pre>{System.Net.WebUtility.HtmlEncode(error.Detail)}</pre>"
                : "") + "</div>";
    }

    /// <summary>A script state kept after a cell (null before the first), and the assembly files referenced so far.</summary>
    internal sealed record Checkpoint(ScriptState<object>? State, IReadOnlyList<string> References);

    [GeneratedRegex(@"^\s*#r\s+""([^""]+\.dll)""\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex FileReference();

    [GeneratedRegex(@"^\s*#r\s+""[^""]*Workbook\.Lib\.dll""\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex LibraryReference();

    [GeneratedRegex(@"\bWorkbook\.(Reports|Notebooks|SearchLogs|Products|AutoML|Data)\b")]
    private static partial Regex UsesLibrary();

    [GeneratedRegex(@"\.cell(\d+)\.csx$")]
    private static partial Regex CellFileName();

    [GeneratedRegex(@"\S+\.cell(\d+)\.csx:line (\d+)")]
    private static partial Regex CellFrame();
}
