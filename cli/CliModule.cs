using System.CommandLine;

namespace Workbook.Cli;

/// <summary>
/// One domain's verbs. Program discovers every implementation in this assembly, so a new domain adds a file
/// here and touches nothing shared.
/// </summary>
public interface ICliModule
{
    /// <summary>Top-level verbs this module owns (e.g. <c>pipeline</c>, <c>rank</c>).</summary>
    IEnumerable<Command> Commands();

    /// <summary>Sub-commands of <c>bench</c> this module owns (e.g. <c>bench pipeline</c>); empty when none.</summary>
    IEnumerable<Command> Benchmarks() => [];
}
