using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Workbook.Dag;

/// <summary>
/// Runs a <see cref="TaskGraph"/>: a task starts as soon as all its dependencies succeeded, independent tasks run
/// concurrently (up to <c>maxParallel</c>), errors <paramref name="isTransient"/> accepts (e.g. a locked database) are
/// retried with exponential back-off (Polly), and a failed task skips everything downstream while the tasks already
/// running finish. Logs one line per event, each with the run id and the task.
/// </summary>
/// <param name="isTransient">Which errors are worth retrying; none when null (a failed computation fails again).</param>
internal sealed class TaskRunner(
    ILogger logger, int maxRetries = 3, TimeSpan? firstRetryDelay = null, int maxParallel = 4, Func<Exception, bool>? isTransient = null)
{
    public async Task<IReadOnlyList<TaskResult>> RunAsync(TaskGraph graph, string runId, CancellationToken ct = default)
    {
        var results = new Dictionary<string, TaskResult>(StringComparer.Ordinal);
        var running = new Dictionary<Task<TaskResult>, string>();
        var started = new HashSet<string>(StringComparer.Ordinal);

        while (true)
        {
            foreach (var t in graph.Tasks)
            {
                if (started.Contains(t.Name) || running.Count >= maxParallel) continue;
                if (t.DependsOn.Any(d => results.TryGetValue(d, out var r) && r.Outcome != TaskOutcome.Succeeded))
                {
                    started.Add(t.Name);
                    var now = DateTimeOffset.UtcNow;
                    var blocker = t.DependsOn.First(d => results.TryGetValue(d, out var r) && r.Outcome != TaskOutcome.Succeeded);
                    results[t.Name] = new TaskResult(t.Name, TaskOutcome.Skipped, now, now, 0, null, $"skipped: '{blocker}' did not succeed");
                    logger.LogWarning("run={RunId} task={Task} event=skipped because={Blocker}", runId, t.Name, blocker);
                    continue;
                }
                if (!t.DependsOn.All(d => results.ContainsKey(d))) continue;
                started.Add(t.Name);
                running.Add(Task.Run(() => ExecuteAsync(t, runId, ct), CancellationToken.None), t.Name);
            }
            if (running.Count == 0) break;
            var done = await Task.WhenAny(running.Keys);
            running.Remove(done);
            var result = await done;
            results[result.Task] = result;
        }
        return graph.Tasks.Select(t => results[t.Name]).ToList();
    }

    private async Task<TaskResult> ExecuteAsync(DagTask task, string runId, CancellationToken ct)
    {
        var attempts = 0;
        var retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(isTransient ?? (_ => false)),
            MaxRetryAttempts = Math.Max(1, maxRetries),
            Delay = firstRetryDelay ?? TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = false,
            OnRetry = args =>
            {
                logger.LogWarning("run={RunId} task={Task} event=retry next_attempt={Attempt} delay_ms={Delay} error={Error}",
                    runId, task.Name, args.AttemptNumber + 2, (long)args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                return default;
            },
        }).Build();

        var start = DateTimeOffset.UtcNow;
        var cpu = CpuStopwatch.StartNew();
        logger.LogInformation("run={RunId} task={Task} event=start depends_on=[{Deps}]", runId, task.Name, string.Join(",", task.DependsOn));
        try
        {
            var rows = await retry.ExecuteAsync(async token =>
            {
                attempts++;
                return await task.Run(token);
            }, ct);
            var end = DateTimeOffset.UtcNow;
            logger.LogInformation("run={RunId} task={Task} event=end rows={Rows} elapsed_ms={Elapsed} attempts={Attempts}",
                runId, task.Name, rows, (long)(end - start).TotalMilliseconds, attempts);
            return new TaskResult(task.Name, TaskOutcome.Succeeded, start, end, attempts, rows, null) { ProcessCpu = cpu.Elapsed };
        }
        catch (Exception e)
        {
            var end = DateTimeOffset.UtcNow;
            logger.LogError("run={RunId} task={Task} event=error elapsed_ms={Elapsed} attempts={Attempts} error={Error}",
                runId, task.Name, (long)(end - start).TotalMilliseconds, attempts, e.Message);
            return new TaskResult(task.Name, TaskOutcome.Failed, start, end, attempts, null, e.Message, e) { ProcessCpu = cpu.Elapsed };
        }
    }
}
