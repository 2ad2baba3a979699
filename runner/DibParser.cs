using System.Text.Json;
using System.Text.RegularExpressions;

namespace Workbook.Notebooks;

/// <summary>
/// Reads the Polyglot Notebooks .dib format: an optional <c>#!meta</c> cell of JSON, then cells each started by a
/// kernel line (<c>#!csharp</c>, <c>#!markdown</c>, ...). Only C# and markdown cells run here; any other kernel, and
/// any magic command the runner does not implement, is an error naming notebook, cell and line, so a notebook never
/// silently renders differently from VS Code.
/// </summary>
public static partial class DibParser
{
    private static readonly Dictionary<string, CellKind> Supported = new(StringComparer.Ordinal)
    {
        ["csharp"] = CellKind.CSharp,
        ["c#"] = CellKind.CSharp,
        ["C#"] = CellKind.CSharp,
        ["markdown"] = CellKind.Markdown,
        ["md"] = CellKind.Markdown,
    };

    // Kernels of .NET Interactive other than C# and markdown: their lines also start cells, to be refused clearly.
    private static readonly HashSet<string> OtherKernels = new(StringComparer.OrdinalIgnoreCase)
    {
        "fsharp", "f#", "pwsh", "powershell", "javascript", "js", "html", "sql", "kql", "mermaid", "value", "http",
        "python", "r", "vscode", "webview", "typescript", "ts",
    };

    /// <summary>Reads and parses the notebook at <paramref name="path"/>.</summary>
    public static Notebook Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses .dib <paramref name="text"/>; <paramref name="path"/> only names the notebook in errors.</summary>
    public static Notebook Parse(string text, string path)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var cells = new List<NotebookCell>();
        string? metadata = null;
        var defaultKind = CellKind.CSharp;

        // Content before the first kernel line belongs to the default kernel, as in Polyglot.
        var kind = (CellKind?)null;
        string? kernelName = null;
        var start = 0;
        var sawMeta = false;

        void Close(int endExclusive)
        {
            var (first, last) = Trim(lines, start, endExclusive);
            if (kernelName == "meta")
            {
                var json = string.Join('\n', lines[first..(last + 1)]);
                metadata = json.Length == 0 ? null : json;
                defaultKind = MetaDefaultKind(json, path, first + 1);
                return;
            }
            if (first > last && kind == null) return; // nothing before the first kernel line
            var number = cells.Count + 1;
            var source = first > last ? "" : string.Join('\n', lines[first..(last + 1)]);
            var cellKind = kind ?? defaultKind;
            cells.Add(new NotebookCell(number, cellKind, source, first > last ? start + 1 : first + 1));
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var m = KernelLine().Match(lines[i]);
            if (!m.Success) continue;
            var name = m.Groups[1].Value;
            var isMeta = name == "meta";
            if (!isMeta && !Supported.ContainsKey(name) && !OtherKernels.Contains(name)) continue; // a magic command, checked below
            Close(i);
            if (isMeta)
            {
                if (sawMeta || cells.Count > 0)
                    throw new NotebookFormatException(path, cells.Count + 1, i + 1, "#!meta is only allowed as the first cell.");
                sawMeta = true;
            }
            else if (!Supported.TryGetValue(name, out _))
            {
                throw new NotebookFormatException(path, cells.Count + 1, i + 1,
                    $"cells of kernel '#!{name}' are not supported here; the workbook runs only #!csharp and #!markdown cells.");
            }
            kernelName = name;
            kind = isMeta ? null : Supported[name];
            start = i + 1;
        }
        Close(lines.Length);

        foreach (var cell in cells.Where(c => c.Kind == CellKind.CSharp))
            CheckMagics(cell, path);
        return new Notebook(path, cells, metadata);
    }

    private static void CheckMagics(NotebookCell cell, string path)
    {
        var lines = cell.Lines;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart();
            string? problem = null;
            if (line.StartsWith("#!", StringComparison.Ordinal))
                problem = $"magic command '{FirstWord(line)}' is not supported by the workbook runner (it runs plain C#).";
            else if (line.StartsWith("#i ", StringComparison.Ordinal) || line == "#i")
                problem = "'#i' (NuGet package sources) is not supported: add packages to lib/Workbook.Lib.csproj instead.";
            else if (NugetReference().IsMatch(line))
                problem = "'#r \"nuget:...\"' is not supported: add the package to lib/Workbook.Lib.csproj and reference the library with #r \"../lib/bin/Workbook.Lib.dll\".";
            if (problem != null)
                throw new NotebookFormatException(path, cell.Number, cell.DibLine(i + 1), problem);
        }
    }

    private static CellKind MetaDefaultKind(string json, string path, int line)
    {
        if (string.IsNullOrWhiteSpace(json)) return CellKind.CSharp;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("kernelInfo", out var info)
                && info.TryGetProperty("defaultKernelName", out var name) && name.ValueKind == JsonValueKind.String)
            {
                var kernel = name.GetString()!;
                if (Supported.TryGetValue(kernel, out var kind)) return kind;
                throw new NotebookFormatException(path, 0, line,
                    $"the notebook's default kernel is '{kernel}'; the workbook runs only csharp and markdown.");
            }
            return CellKind.CSharp;
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException(path, 0, line + (int)(e.LineNumber ?? 0), $"the #!meta cell is not valid JSON: {e.Message}");
        }
    }

    private static (int First, int Last) Trim(string[] lines, int start, int end)
    {
        int first = start, last = end - 1;
        while (first <= last && string.IsNullOrWhiteSpace(lines[first])) first++;
        while (last >= first && string.IsNullOrWhiteSpace(lines[last])) last--;
        return (first, last);
    }

    private static string FirstWord(string line)
    {
        var end = line.IndexOfAny([' ', '\t']);
        return end < 0 ? line : line[..end];
    }

    [GeneratedRegex(@"^#!(\S+)\s*$")]
    private static partial Regex KernelLine();

    [GeneratedRegex(@"^#r\s+""nuget:", RegexOptions.IgnoreCase)]
    private static partial Regex NugetReference();
}
