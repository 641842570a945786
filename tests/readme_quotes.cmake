# Fails unless README.md quotes each given example file exactly: the quick start that readers
# copy is the one the tests compile and run.  cmake -DREADME=... -DEXAMPLES="a;b" -P readme_quotes.cmake
file(READ "${README}" readme)
foreach(example IN LISTS EXAMPLES)
  file(READ "${example}" text)
  string(STRIP "${text}" text)
  string(FIND "${readme}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "README.md does not quote ${example} as it is")
  endif()
endforeach()
