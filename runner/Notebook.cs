namespace Workbook.Notebooks;

/// <summary>The kind of a notebook cell the runner knows.</summary>
public enum CellKind
{
    Markdown,
    CSharp,
}

/// <summary>
/// One cell of a .dib notebook. <see cref="Number"/> counts cells from 1 (the #!meta cell excluded);
/// <see cref="FirstLine"/> is the 1-based line in the .dib file of <see cref="Source"/>'s first line.
/// </summary>
public sealed record NotebookCell(int Number, CellKind Kind, string Source, int FirstLine)
{
    /// <summary>The line in the .dib file of line <paramref name="lineInCell"/> (1-based) of this cell's source.</summary>
    public int DibLine(int lineInCell) => FirstLine + lineInCell - 1;

    /// <summary>The source's lines, as the .dib file has them.</summary>
    public string[] Lines => Source.Split('\n');
}

/// <summary>A parsed .dib notebook: its path, its cells in order, and the metadata cell's JSON if it has one.</summary>
public sealed record Notebook(string Path, IReadOnlyList<NotebookCell> Cells, string? MetadataJson)
{
    /// <summary>The file name without extension, e.g. "00-workbook-tour"; also the report's name.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);
}

/// <summary>A notebook that cannot be run as written; the message names the notebook, the cell and the .dib line.</summary>
public sealed class NotebookFormatException(string path, int cell, int line, string problem)
    : Exception($"{path}: cell {cell}, line {line}: {problem}")
{
    public string NotebookPath { get; } = path;
    public int Cell { get; } = cell;
    public int Line { get; } = line;
    public string Problem { get; } = problem;
}
