namespace Workbook.Notebooks;

/// <summary>What a cell produced, in order: console text, displayed values, the trailing value, or its error.</summary>
public enum OutputKind
{
    Console,
    Display,
    Value,
    Error,
}

/// <summary>One output of a cell, already rendered to HTML (so later mutation of the value cannot change the report).</summary>
public sealed record CellOutput(OutputKind Kind, string Html);

public enum CellStatus
{
    /// <summary>A markdown cell (nothing to run).</summary>
    Markdown,
    Succeeded,
    Failed,
    /// <summary>Not run because an earlier cell failed.</summary>
    Skipped,
}

/// <summary>Where and why a cell failed: <see cref="Message"/> names the notebook, cell and .dib line.</summary>
public sealed record CellError(string NotebookPath, int Cell, int? Line, string Message, string Detail)
{
    public override string ToString() => Message;
}

/// <summary>
/// The result of one cell. <see cref="Compile"/> is Roslyn's compile and emit time, <see cref="Execute"/> the
/// time spent in the cell's own code; <see cref="Duration"/> is the whole cell including the runner's work.
/// </summary>
public sealed record CellRun(
    NotebookCell Cell,
    CellStatus Status,
    IReadOnlyList<CellOutput> Outputs,
    TimeSpan Duration,
    TimeSpan Compile,
    TimeSpan Execute,
    CellError? Error)
{
    /// <summary>Set by <c>report --watch</c>: whether this result was reused from an earlier run, and how often the cell ran.</summary>
    internal LiveCell? Live { get; init; }
}
