/* Empty: lets SwiftPM build the C module that carries uniffi's generated header. */
