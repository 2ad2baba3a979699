using Workbook.Reports;

namespace Workbook.Notebooks;

/// <summary>A finished notebook run: every cell's result, the data files it read (with SHA-256) and where it ran.</summary>
public sealed record NotebookRun(
    Notebook Notebook,
    IReadOnlyList<CellRun> Cells,
    DateTimeOffset StartedUtc,
    TimeSpan Duration,
    Provenance Provenance,
    CellError? FormatError = null)
{
    /// <summary>Set when the code cells' outputs were not computed now but reused from an earlier run (<see cref="ReportCache"/>).</summary>
    public CacheNote? Cache { get; init; }

    /// <summary>The derived data the notebook reads, as <c>make</c> built it (shown in the run metadata); empty when none.</summary>
    public IReadOnlyList<DerivedData> Derived { get; init; } = [];

    /// <summary>Set by <c>report --watch</c>: which run of the live session this is and what it re-ran.</summary>
    internal LiveRunNote? Live { get; init; }

    /// <summary>True when the notebook could not be parsed or any cell failed.</summary>
    public bool Failed => FormatError != null || Cells.Any(c => c.Status == CellStatus.Failed);

    /// <summary>Every error of the run: the format error, or the failing cells' errors.</summary>
    public IEnumerable<CellError> Errors =>
        FormatError != null ? [FormatError] : Cells.Where(c => c.Error != null).Select(c => c.Error!);
}

/// <summary>Where a notebook's derived input came from: the make target, when and at which commit it was built.</summary>
public sealed record DerivedData(string Target, DateTimeOffset BuiltUtc, string Commit, bool Dirty, IReadOnlyList<string> Outputs);
