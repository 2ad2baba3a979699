namespace Workbook.Dag;

/// <summary>A named unit of work in a <see cref="TaskGraph"/>. <see cref="Run"/> returns the rows it produced (for
/// the log and the history) and must be safe to retry: do its database work in one transaction.</summary>
internal sealed record DagTask(string Name, IReadOnlyList<string> DependsOn, string Description, Func<CancellationToken, Task<long>> Run);

public enum TaskOutcome { Succeeded, Failed, Skipped }

/// <summary>What happened to one task in one run (a row of <c>task_runs</c>).</summary>
public sealed record TaskResult(
    string Task, TaskOutcome Outcome, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int Attempts, long? Rows,
    string? Error, Exception? Exception = null)
{
    /// <summary>Process CPU time while the task ran: the task's own cost only when tasks run one at a time.</summary>
    public TimeSpan ProcessCpu { get; init; }

    public TimeSpan Elapsed => FinishedAt - StartedAt;
}
