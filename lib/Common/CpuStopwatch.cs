using System.Diagnostics;

namespace Workbook;

/// <summary>
/// The process's CPU time since it was started: on a shared machine, CPU time is what the load does not inflate, so
/// trials, pipeline tasks and benchmarks report it beside wall time. It counts every thread of the process, so it is a
/// piece of work's own time only while that work is all the process does.
/// </summary>
internal readonly struct CpuStopwatch
{
    private readonly TimeSpan _start;

    private CpuStopwatch(TimeSpan start) => _start = start;

    public static CpuStopwatch StartNew() => new(ProcessTime());

    /// <summary>CPU time the process used since <see cref="StartNew"/>.</summary>
    public TimeSpan Elapsed => ProcessTime() - _start;

    /// <summary>CPU time the process used since it began.</summary>
    public static TimeSpan ProcessTime()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }
}
