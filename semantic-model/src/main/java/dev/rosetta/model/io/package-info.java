/** Reading user-supplied files with precise problem statements. Non-null by default. */
package dev.rosetta.model.io;
