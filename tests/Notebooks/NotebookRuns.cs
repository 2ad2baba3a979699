namespace Workbook.Tests.Notebooks;

/// <summary>
/// Test classes that run notebooks in this process. A run sets the process's current directory to the notebook's
/// folder for its length (as VS Code's kernel does), so a test that checks the directory afterwards must not overlap
/// another class's run: xunit runs the classes of one collection one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class NotebookRuns
{
    public const string Name = "notebook runs in this process";
}
