namespace Workbook.Make;

/// <summary>
/// One derived artifact's recipe in the workbook-wide DAG (a DVC stage): what it reads, which knobs change its result,
/// which code computes it and what it writes. A hash of all of these decides whether its outputs are stale.
/// </summary>
/// <param name="Name">Unique, kebab-case (e.g. <c>ranking-evaluation</c>); what <c>make NAME</c> takes.</param>
/// <param name="Description">One line for <c>make --dry-run</c> and the README.</param>
/// <param name="Inputs">Raw inputs, repository-relative files or folders under <c>data/</c>.</param>
/// <param name="DependsOn">Targets whose outputs this one reads.</param>
/// <param name="Parameters">Every knob that changes the result (seeds, cut-offs, options), as text.</param>
/// <param name="Code">Source folders or files (repository-relative) whose content decides the result.</param>
/// <param name="Outputs">Repository-relative paths under <c>data/derived/</c>.</param>
/// <param name="Build">Computes the outputs, writing each at <see cref="TargetContext.Output"/>.</param>
public sealed record Target(
    string Name,
    string Description,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> DependsOn,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string> Code,
    IReadOnlyList<string> Outputs,
    Func<TargetContext, CancellationToken, Task> Build);
